/**
 * Folds a stream of samples into one bucket per (series, UTC hour): count, mean, max, and the
 * 95th percentile for the metrics that want one. Samples of one series arrive in time order in
 * practice, so the bucket of the previous sample is reused and the hash map is only consulted when
 * the hour changes; this keeps the hot loop to a few array writes per sample.
 */
export interface MetricSpec {
  name: string;
  /** Keep the hour's values to report a 95th percentile (memory: one double per sample). */
  percentile?: boolean;
}

export interface HourStats {
  count: number;
  mean: number;
  max: number;
  /** Nearest-rank 95th percentile; NaN when the metric keeps none. */
  p95: number;
}

export interface HourBucketView<S> {
  /** Unix seconds of the hour's start. */
  hour: number;
  series: S;
  /** Per metric, in spec order; null when the metric had no sample in the hour. */
  stats: (HourStats | null)[];
}

interface Bucket {
  hour: number;
  series: number;
  count: Float64Array;
  sum: Float64Array;
  max: Float64Array;
  values: (Float64Array | null)[];
}

const MAX_SERIES = 2 ** 21;

export class HourlyAggregator<S> {
  private readonly buckets = new Map<number, Bucket>();
  private readonly seriesIds = new Map<string, number>();
  private readonly seriesMeta: S[] = [];
  private readonly last: (Bucket | undefined)[] = [];
  private readonly percentile: boolean[];
  /** Samples ignored because they were NaN or infinite (gaps reported by the exporter). */
  nonFinite = 0;
  samples = 0;

  constructor(
    readonly metrics: readonly MetricSpec[],
    private readonly valuesPerHour = 60,
  ) {
    this.percentile = metrics.map((m) => m.percentile === true);
  }

  /** The id of a series, registering it on first sight. */
  seriesId(key: string, meta: () => S): number {
    let id = this.seriesIds.get(key);
    if (id === undefined) {
      id = this.seriesMeta.length;
      if (id >= MAX_SERIES) throw new Error(`more than ${MAX_SERIES} series in one import window`);
      this.seriesIds.set(key, id);
      this.seriesMeta.push(meta());
      this.last.push(undefined);
    }
    return id;
  }

  get seriesCount(): number {
    return this.seriesMeta.length;
  }

  add(series: number, metric: number, tSec: number, value: number): void {
    if (!Number.isFinite(value)) {
      this.nonFinite++;
      return;
    }
    const hour = tSec - (((tSec % 3600) + 3600) % 3600);
    let bucket = this.last[series];
    if (bucket === undefined || bucket.hour !== hour) {
      bucket = this.bucket(series, hour);
      this.last[series] = bucket;
    }
    const n = bucket.count[metric]!;
    bucket.count[metric] = n + 1;
    bucket.sum[metric]! += value;
    if (n === 0 || value > bucket.max[metric]!) bucket.max[metric] = value;
    if (this.percentile[metric]) {
      let values =
        bucket.values[metric] ?? (bucket.values[metric] = new Float64Array(this.valuesPerHour));
      if (n >= values.length) {
        const grown = new Float64Array(values.length * 2);
        grown.set(values);
        bucket.values[metric] = values = grown;
      }
      values[n] = value;
    }
    this.samples++;
  }

  private bucket(series: number, hour: number): Bucket {
    const key = (hour / 3600) * MAX_SERIES + series;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      const m = this.metrics.length;
      bucket = {
        hour,
        series,
        count: new Float64Array(m),
        sum: new Float64Array(m),
        max: new Float64Array(m),
        // Allocated on a metric's first sample: many sources never send some metrics.
        values: this.percentile.map(() => null),
      };
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  /** Buckets open (not yet drained). */
  get openBuckets(): number {
    return this.buckets.size;
  }

  /** Hands out, and forgets, every bucket of an hour that starts before `beforeSec`. */
  *drain(beforeSec = Number.POSITIVE_INFINITY): Generator<HourBucketView<S>> {
    for (const [key, bucket] of this.buckets) {
      if (bucket.hour >= beforeSec) continue;
      this.buckets.delete(key);
      if (this.last[bucket.series] === bucket) this.last[bucket.series] = undefined;
      yield {
        hour: bucket.hour,
        series: this.seriesMeta[bucket.series]!,
        stats: this.metrics.map((_, m) => stats(bucket, m)),
      };
    }
  }
}

function stats(bucket: Bucket, m: number): HourStats | null {
  const count = bucket.count[m]!;
  if (count === 0) return null;
  const values = bucket.values[m];
  return {
    count,
    mean: bucket.sum[m]! / count,
    max: bucket.max[m]!,
    p95: values ? nearestRank(values.subarray(0, count), 0.95) : Number.NaN,
  };
}

/** Nearest-rank percentile: the smallest value with at least `q` of the values at or below it. */
export function nearestRank(values: Float64Array, q: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}
