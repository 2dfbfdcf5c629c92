/**
 * Retries with exponential backoff and full jitter for throttling and server errors, honouring the
 * provider's wait when it sends one (Retry-After, or a provider-specific header such as Azure Cost
 * Management's x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after, which its SDK ignores).
 */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
};

/** What the caller learnt from a failed attempt. */
export interface AttemptFailure {
  retryable: boolean;
  /** Seconds the provider asked us to wait, when it said. */
  retryAfterSeconds?: number;
}

/** Delay before attempt `attempt + 1` (attempt counts from 1), or undefined to give up. */
export function nextDelayMs(
  policy: RetryPolicy,
  attempt: number,
  failure: AttemptFailure,
  random: () => number = Math.random,
): number | undefined {
  if (!failure.retryable || attempt >= policy.maxAttempts) return undefined;
  if (failure.retryAfterSeconds !== undefined && failure.retryAfterSeconds >= 0) {
    return Math.min(failure.retryAfterSeconds * 1000, policy.maxDelayMs);
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling); // full jitter spreads replicas that failed together
}

/** Parses Retry-After (seconds or an HTTP date) and provider headers into seconds. */
export function retryAfterSeconds(
  headers: Record<string, string | undefined>,
  now = Date.now(),
): number | undefined {
  for (const name of [
    'x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after',
    'x-ms-ratelimit-microsoft.costmanagement-entity-retry-after',
    'x-ms-ratelimit-microsoft.costmanagement-tenant-retry-after',
    'retry-after',
  ]) {
    const value = headers[name];
    if (value === undefined || value === '') continue;
    if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value);
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - now) / 1000));
  }
  return undefined;
}

/** Runs `attempt` until it succeeds or the policy gives up; `classify` says whether to retry. */
export async function withRetries<T>(
  policy: RetryPolicy,
  attempt: (n: number) => Promise<T>,
  classify: (err: unknown) => AttemptFailure,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      const delay = nextDelayMs(policy, n, classify(err));
      if (delay === undefined) throw err;
      await sleep(delay);
    }
  }
}
