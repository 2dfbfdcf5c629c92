import type { HourBucketView, MetricSpec } from './hourly-aggregator.js';

/** Node CPU and memory measurements kept per hour, in aggregator order. */
export const RESOURCE_METRICS = [
  { name: 'cpu', percentile: true },
  { name: 'memoryUsed' },
  { name: 'memoryTotal' },
] as const satisfies readonly MetricSpec[];

export type ResourceMetric = (typeof RESOURCE_METRICS)[number]['name'];
export const RESOURCE_METRIC_INDEX: Record<ResourceMetric, number> = {
  cpu: 0,
  memoryUsed: 1,
  memoryTotal: 2,
};

export interface ResourceSeries {
  host: string;
  resourceId: string | null;
}

/** One row of resource_usage: an hour of one machine. */
export interface ResourceUsageRow extends ResourceSeries {
  hour: string;
  samples: number;
  coveredSeconds: number;
  cpuAvg: number | null;
  cpuP95: number | null;
  cpuMax: number | null;
  memoryUsedAvgBytes: number | null;
  memoryUsedMaxBytes: number | null;
  memoryTotalBytes: number | null;
}

export function resourceUsageRow(
  bucket: HourBucketView<ResourceSeries>,
  sampleSeconds: number,
): ResourceUsageRow {
  const [cpu, used, total] = bucket.stats;
  const samples = Math.max(...bucket.stats.map((st) => st?.count ?? 0));
  const r4 = (v: number) => Math.round(v * 10_000) / 10_000;
  return {
    ...bucket.series,
    hour: new Date(bucket.hour * 1000).toISOString(),
    samples,
    coveredSeconds: Math.min(3600, Math.round(samples * sampleSeconds)),
    cpuAvg: cpu ? r4(cpu.mean) : null,
    cpuP95: cpu ? r4(cpu.p95) : null,
    cpuMax: cpu ? r4(cpu.max) : null,
    memoryUsedAvgBytes: used ? Math.round(used.mean) : null,
    memoryUsedMaxBytes: used ? used.max : null,
    memoryTotalBytes: total ? Math.round(total.mean) : null,
  };
}
