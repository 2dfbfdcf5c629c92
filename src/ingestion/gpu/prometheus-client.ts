import { FetchContext, MalformedResponseError } from '../cloud/cloud-fetcher.js';
import { callProvider, retryableStatus } from '../cloud/provider-call.js';
import { parseRangeResponse, PrometheusQueryError, RangeResult } from './query-range-response.js';

/** Prometheus refuses a range query that would return more points than this per series. */
export const MAX_POINTS_PER_SERIES = 11_000;

export interface RangeChunk {
  /** First and last evaluation time (unix seconds, both included). */
  start: number;
  end: number;
}

/**
 * Cuts `[from, to)` into query_range requests of at most `chunkHours`, each ending one step
 * before the next begins so no evaluation time is read twice, and none over 11,000 points.
 */
export function rangeChunks(
  fromSec: number,
  toSec: number,
  step: number,
  chunkHours: number,
): RangeChunk[] {
  const perChunk = Math.min(chunkHours * 3600, (MAX_POINTS_PER_SERIES - 1) * step);
  const chunks: RangeChunk[] = [];
  for (let start = fromSec; start < toSec; start += perChunk) {
    const stop = Math.min(toSec, start + perChunk);
    chunks.push({ start, end: stop - step });
  }
  return chunks;
}

class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterSeconds: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** Retry-After in seconds (delta-seconds or an HTTP date). */
function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - Date.now()) / 1000);
}

/** The Prometheus HTTP API's query_range, POSTed as a form (queries can be long). */
export class PrometheusClient {
  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string>,
  ) {}

  async queryRange(
    ctx: FetchContext,
    query: string,
    chunk: RangeChunk,
    step: number,
  ): Promise<RangeResult> {
    const url = new URL(
      'api/v1/query_range',
      this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`,
    );
    const request = `query_range ${query} [${new Date(chunk.start * 1000).toISOString()} .. ${new Date(chunk.end * 1000).toISOString()}] step ${step}s at ${url.origin}`;
    const body = await callProvider(
      ctx,
      request,
      async () => {
        const res = await fetch(url, {
          method: 'POST',
          headers: { ...this.headers, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            query,
            start: String(chunk.start),
            end: String(chunk.end),
            step: String(step),
          }),
        });
        const text = await res.text();
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          if (!res.ok)
            throw new HttpStatusError(
              res.status,
              retryAfter(res.headers.get('retry-after')),
              `HTTP ${res.status}: ${text.slice(0, 200)}`,
            );
          throw new MalformedResponseError(`${request}: body is not JSON: ${text.slice(0, 80)}`);
        }
        // Prometheus answers errors with a JSON body (400 bad_data, 422 execution, 503 timeout).
        if (!res.ok && retryableStatus(res.status)) {
          throw new HttpStatusError(
            res.status,
            retryAfter(res.headers.get('retry-after')),
            `HTTP ${res.status}: ${text.slice(0, 200)}`,
          );
        }
        return json;
      },
      (err) => {
        if (err instanceof HttpStatusError) {
          return {
            retryable: retryableStatus(err.status),
            retryAfterSeconds: err.retryAfterSeconds,
            message: err.message,
          };
        }
        if (err instanceof MalformedResponseError)
          return { retryable: false, message: err.message };
        // fetch() failing outright: connection refused, reset, DNS.
        const cause = (err as { cause?: { code?: string } }).cause?.code;
        return {
          retryable: true,
          message: `network error${cause ? ` (${cause})` : ''}: ${(err as Error).message}`,
        };
      },
    );
    try {
      return parseRangeResponse(body);
    } catch (err) {
      if (err instanceof PrometheusQueryError)
        throw new PrometheusQueryError(err.errorType, `${err.reason} (${request})`);
      throw new MalformedResponseError(`${request}: ${(err as Error).message}`);
    }
  }
}
