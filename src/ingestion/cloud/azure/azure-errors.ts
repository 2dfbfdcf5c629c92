import { RestError } from '@azure/core-rest-pipeline';
import { retryAfterSeconds } from '../../../sources/retry-policy.js';
import { ErrorReading, retryableStatus } from '../provider-call.js';
import { MalformedResponseError } from '../cloud-fetcher.js';

/**
 * Reads an Azure failure. Throttled Query calls carry their wait in
 * x-ms-ratelimit-microsoft.costmanagement-{qpu,entity,tenant}-retry-after, which the SDK ignores;
 * retryAfterSeconds reads those before Retry-After.
 */
export function readAzureError(err: unknown): ErrorReading {
  if (err instanceof MalformedResponseError) return { retryable: false, message: err.message };
  if (err instanceof RestError) {
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of err.response?.headers ?? []) headers[name.toLowerCase()] = value;
    const status = err.statusCode;
    const requestId = headers['x-ms-request-id']
      ? `, request id ${headers['x-ms-request-id']}`
      : '';
    return {
      retryable: retryableStatus(status) || (status === undefined && err.code !== 'PARSE_ERROR'),
      retryAfterSeconds: retryAfterSeconds(headers),
      message: `${err.code ?? 'RestError'}: ${err.message}${status ? ` (HTTP ${status}${requestId})` : ''}`,
    };
  }
  // Credential failures (no identity configured, bad secret) will not heal by retrying.
  return { retryable: false, message: `${(err as Error).name}: ${(err as Error).message}` };
}
