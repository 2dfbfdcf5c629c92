import {
  GPU_METRIC_INDEX,
  GpuMetric,
  GpuSeries,
  gpuSeriesFromLabels,
  DCGM_FIELDS,
  LabelOptions,
  seriesKey,
} from './gpu-series.js';
import type { HourlyAggregator } from './hourly-aggregator.js';
import type { ProcessOwner } from './nvidia-smi-apps.js';
import { NvidiaSmiReading } from './nvidia-smi-csv.js';
import { parseExposition } from './prometheus-text.js';
import { note, UsageFindings } from './usage-findings.js';

/** Registers a series from its labels; null (and a finding) when it names no GPU. */
export function gpuSeriesId(
  agg: HourlyAggregator<GpuSeries>,
  labels: Record<string, string>,
  opts: LabelOptions,
  findings: UsageFindings,
): number | null {
  const reading = gpuSeriesFromLabels(labels, opts);
  for (const label of reading.missing) note(findings, `series without label ${label}`);
  if (!reading.series.gpuUuid) return null;
  return agg.seriesId(reading.key, () => reading.series);
}

/** One dcgm-exporter scrape taken at `scrapedAtSec`; lines with their own timestamp keep it. */
export function feedExposition(
  text: string,
  scrapedAtSec: number,
  agg: HourlyAggregator<GpuSeries>,
  opts: LabelOptions,
  findings: UsageFindings,
): void {
  for (const sample of parseExposition(text)) {
    const metric = DCGM_FIELDS[sample.name];
    if (metric === undefined) {
      note(findings, `metric not used: ${sample.name}`);
      continue;
    }
    const id = gpuSeriesId(agg, sample.labels, opts, findings);
    if (id === null) continue;
    const t = sample.timestampMs === null ? scrapedAtSec : Math.floor(sample.timestampMs / 1000);
    agg.add(id, GPU_METRIC_INDEX[metric], t, sample.value);
  }
}

/** nvidia-smi query fields this product reads, and the metric each feeds. */
export const NVIDIA_SMI_FIELDS: Readonly<Record<string, GpuMetric>> = {
  'utilization.gpu': 'gpuUtil',
  'memory.used': 'fbUsed',
  'memory.free': 'fbFree',
  'memory.total': 'fbTotal',
  'power.draw': 'power',
};

/**
 * One nvidia-smi reading of a GPU on `host` (the file does not say which machine wrote it), fed
 * once per process that held the GPU in that hour (as a GPU shared by pods is on the DCGM path),
 * or once with no owner.
 */
export function feedNvidiaSmi(
  reading: NvidiaSmiReading,
  host: string,
  agg: HourlyAggregator<GpuSeries>,
  opts: LabelOptions,
  findings: UsageFindings,
  owners: Iterable<ProcessOwner>,
): void {
  const labels: Record<string, string> = { hostname: host, UUID: reading.uuid };
  if (reading.index !== null) labels['gpu'] = reading.index;
  if (reading.name !== null) labels['modelName'] = reading.name;
  const base = gpuSeriesFromLabels(labels, opts);
  for (const label of base.missing) note(findings, `series without label ${label}`);
  const ids: number[] = [];
  for (const owner of owners) {
    const series = { ...base.series, ...owner };
    ids.push(agg.seriesId(seriesKey(series), () => series));
  }
  if (ids.length === 0) ids.push(agg.seriesId(base.key, () => base.series));
  const t = Math.floor(reading.timeMs / 1000);
  for (const [field, value] of reading.values) {
    const metric = NVIDIA_SMI_FIELDS[field];
    if (metric === undefined || value === null) continue;
    for (const id of ids) agg.add(id, GPU_METRIC_INDEX[metric], t, value);
  }
}
