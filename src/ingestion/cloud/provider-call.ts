import { AttemptFailure, nextDelayMs } from '../../sources/retry-policy.js';
import { FetchContext, ProviderRequestError } from './cloud-fetcher.js';

/** How a provider's errors read: whether to retry, how long it asked us to wait, what it said. */
export interface ErrorReading extends AttemptFailure {
  message: string;
}

/**
 * Makes one provider request with the source's retry policy: exponential backoff with full
 * jitter on throttling and server errors, or the provider's own wait when it names one. Every
 * attempt counts against the run's request budget. A final failure names the request.
 */
export async function callProvider<T>(
  ctx: FetchContext,
  request: string,
  send: () => Promise<T>,
  read: (err: unknown) => ErrorReading,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    ctx.countRequest();
    try {
      return await send();
    } catch (err) {
      const reading = read(err);
      const delay = nextDelayMs(ctx.retry, attempt, reading);
      if (delay === undefined) throw new ProviderRequestError(request, reading.message, attempt);
      ctx.countRetry();
      ctx.log.warn(
        { event: 'provider.retry', request, attempt, delayMs: delay, reason: reading.message },
        'provider request will be retried',
      );
      await ctx.sleep(delay);
    }
  }
}

/** HTTP statuses worth retrying: throttling and server-side failures. */
export function retryableStatus(status: number | undefined): boolean {
  return status === 429 || status === 408 || (status !== undefined && status >= 500);
}
