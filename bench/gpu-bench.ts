import { copyLine } from '../src/ingestion/copy-text.js';
import {
  GPU_METRIC_INDEX,
  GPU_METRICS,
  GpuSeries,
  gpuUsageRow,
} from '../src/ingestion/gpu/gpu-series.js';
import { HourlyAggregator } from '../src/ingestion/gpu/hourly-aggregator.js';
import { GPU_USAGE_COLUMNS } from '../src/ingestion/gpu/usage-tables.js';

export interface GpuBenchResult {
  gpus: number;
  days: number;
  samples: number;
  rows: number;
  seconds: number;
  samplesPerSecond: number;
  /** The same samples generated and summed in a plain loop: what reading them costs at least. */
  baselineSeconds: number;
  ratio: number;
  peakRssMB: number;
  /** Peak RSS over the first third of the days: bounded memory means the last two add ~nothing. */
  peakRssFirstThirdMB: number;
}

const STEP = 60;
const START = Date.UTC(2024, 8, 1) / 1000;

/** A GPU's utilization at minute `m`: deterministic, busy and idle stretches, no allocation. */
const util = (gpu: number, m: number) => ((gpu * 7919 + m * 104729) % 1000) / 10;

/**
 * 1,000 GPUs x 30 days of 1-minute samples (GPU_UTIL with a p95, and FB_USED) aggregated to hours
 * the way the Prometheus importer does: one day of every series at a time (one chunk), then the
 * closed hours drained into COPY lines. Memory is one chunk of hour buckets, whatever the days.
 */
export function gpuBench(gpus = 1000, days = 30): GpuBenchResult {
  const perDay = 86400 / STEP;
  let peak = process.memoryUsage().rss;
  const times = new Float64Array(perDay);
  const values = new Float64Array(perDay);

  const t0 = performance.now();
  let sum = 0;
  for (let d = 0; d < days; d++) {
    for (let g = 0; g < gpus; g++) {
      for (let i = 0; i < perDay; i++) {
        values[i] = util(g, d * perDay + i);
        sum += values[i]! + (values[i]! * 800) / 100;
      }
    }
  }
  const baselineSeconds = (performance.now() - t0) / 1000;

  const agg = new HourlyAggregator<GpuSeries>(GPU_METRICS, 3600 / STEP);
  const ids = Array.from({ length: gpus }, (_, g) => {
    const series: GpuSeries = {
      host: `node-${Math.floor(g / 8)}`,
      gpuUuid: `GPU-${g}`,
      gpuIndex: String(g % 8),
      model: 'NVIDIA H100 80GB HBM3',
      migProfile: null,
      migInstance: null,
      namespace: 'ml',
      pod: `train-${Math.floor(g / 8)}`,
      container: 'main',
      workload: 'train',
      team: 'research',
      resourceId: null,
    };
    return agg.seriesId(series.gpuUuid, () => series);
  });
  const util95 = GPU_METRIC_INDEX.gpuUtil;
  const fb = GPU_METRIC_INDEX.fbUsed;
  let rows = 0;
  let bytes = 0;
  let peakFirstThird = 0;
  const t1 = performance.now();
  for (let d = 0; d < days; d++) {
    for (let g = 0; g < gpus; g++) {
      for (let i = 0; i < perDay; i++) {
        times[i] = START + (d * perDay + i) * STEP;
        values[i] = util(g, d * perDay + i);
      }
      const id = ids[g]!;
      for (let i = 0; i < perDay; i++) {
        agg.add(id, util95, times[i]!, values[i]!);
        agg.add(id, fb, times[i]!, (values[i]! * 800) / 100);
      }
    }
    for (const bucket of agg.drain(START + (d + 1) * 86400)) {
      const row = gpuUsageRow(bucket, STEP);
      bytes += copyLine(
        GPU_USAGE_COLUMNS.map((c) => ((v) => (v === null ? null : String(v)))(c.value(row))),
      ).length;
      rows++;
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    if (d + 1 === Math.ceil(days / 3)) peakFirstThird = peak;
  }
  const seconds = (performance.now() - t1) / 1000;
  if (sum < 0 || bytes === 0)
    throw new Error('unreachable: keeps the loops from being optimized out');
  return {
    gpus,
    days,
    samples: agg.samples,
    rows,
    seconds: Math.round(seconds * 100) / 100,
    samplesPerSecond: Math.round(agg.samples / seconds),
    baselineSeconds: Math.round(baselineSeconds * 100) / 100,
    ratio: Math.round((seconds / baselineSeconds) * 100) / 100,
    peakRssMB: Math.round(peak / 1024 / 1024),
    peakRssFirstThirdMB: Math.round(peakFirstThird / 1024 / 1024),
  };
}
