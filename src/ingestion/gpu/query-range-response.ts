import { z } from 'zod';
import { parseSampleValue } from './prometheus-text.js';

/**
 * The body of Prometheus `/api/v1/query_range`: a matrix of series, each with its labels and
 * `[unix seconds, "value"]` pairs (values are strings: "NaN" and "+Inf" occur).
 * https://prometheus.io/docs/prometheus/latest/querying/api/#range-queries
 */
const matrixSchema = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('matrix'),
    result: z.array(
      z.object({
        metric: z.record(z.string(), z.string()),
        values: z.array(z.tuple([z.number(), z.string()])),
      }),
    ),
  }),
  warnings: z.array(z.string()).optional(),
  infos: z.array(z.string()).optional(),
});

const errorSchema = z.object({
  status: z.literal('error'),
  errorType: z.string().optional(),
  error: z.string(),
});

export interface RangeSeries {
  labels: Record<string, string>;
  /** Sample times in unix seconds and values; non-numeric values are NaN. */
  times: number[];
  values: number[];
}

export interface RangeResult {
  series: RangeSeries[];
  warnings: string[];
}

/** Prometheus answered, but with an error body (`bad_data`, `timeout`, `execution`, …). */
export class PrometheusQueryError extends Error {
  constructor(
    readonly errorType: string,
    readonly reason: string,
  ) {
    super(`${errorType}: ${reason}`);
    this.name = 'PrometheusQueryError';
  }
}

/** A body that is neither a matrix nor a Prometheus error. */
export class RangeResponseShapeError extends Error {
  constructor(reason: string) {
    super(`not a query_range matrix response: ${reason}`);
    this.name = 'RangeResponseShapeError';
  }
}

export function parseRangeResponse(body: unknown): RangeResult {
  const failed = errorSchema.safeParse(body);
  if (failed.success) {
    throw new PrometheusQueryError(failed.data.errorType ?? 'error', failed.data.error);
  }
  const parsed = matrixSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RangeResponseShapeError(`${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return {
    series: parsed.data.data.result.map((r) => ({
      labels: r.metric,
      times: r.values.map(([t]) => t),
      values: r.values.map(([, v]) => parseSampleValue(v) ?? Number.NaN),
    })),
    warnings: [...(parsed.data.warnings ?? []), ...(parsed.data.infos ?? [])],
  };
}
