import { retryAfterSeconds } from '../../../sources/retry-policy.js';
import { ErrorReading, retryableStatus } from '../provider-call.js';

/** gRPC codes worth retrying: UNAVAILABLE, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED, ABORTED, INTERNAL. */
const RETRYABLE_GRPC = new Set([14, 8, 4, 10, 13]);

interface GoogleError {
  name?: string;
  message?: string;
  /** HTTP status (BigQuery ApiError) or gRPC code (gax). */
  code?: number | string;
  errors?: { reason?: string; message?: string }[];
  response?: { headers?: Record<string, string | undefined>; statusCode?: number };
}

/**
 * Reads a BigQuery (HTTP ApiError) or Cloud Billing (gax GoogleError with a gRPC code) failure.
 * BigQuery signals quota by reason rateLimitExceeded/backendError even on 403.
 */
export function readGoogleError(err: unknown): ErrorReading {
  const e = err as GoogleError;
  const reasons = (e.errors ?? []).map((x) => x.reason ?? '');
  const isGax = e.name === 'GoogleError' || (typeof e.code === 'number' && e.code < 100);
  const status = isGax ? undefined : Number(e.code ?? e.response?.statusCode) || undefined;
  const retryable =
    (isGax && RETRYABLE_GRPC.has(Number(e.code))) ||
    retryableStatus(status) ||
    reasons.some((r) => r === 'rateLimitExceeded' || r === 'backendError') ||
    (e.code === undefined &&
      /ECONNRESET|ECONNREFUSED|ETIMEDOUT|socket hang up/.test(e.message ?? ''));
  // BigQuery lists the reasons in `errors`; its own message then only says "multiple errors".
  const detail =
    (e.errors ?? [])
      .map((x) => x.message)
      .filter(Boolean)
      .join('; ') || e.message;
  const label = isGax ? `gRPC code ${e.code}` : status ? `HTTP ${status}` : '';
  return {
    retryable,
    retryAfterSeconds: retryAfterSeconds(e.response?.headers ?? {}),
    message: `${detail ?? String(err)}${label ? ` (${label})` : ''}`,
  };
}
