import type { PrometheusSourceConfig } from '../../config/app-config.js';
import type { FetchContext } from '../cloud/cloud-fetcher.js';
import {
  DCGM_FIELDS,
  GPU_METRIC_INDEX,
  GPU_METRICS,
  GpuSeries,
  gpuUsageRow,
} from './gpu-series.js';
import { HourlyAggregator } from './hourly-aggregator.js';
import { PrometheusClient, rangeChunks } from './prometheus-client.js';
import {
  RESOURCE_METRIC_INDEX,
  RESOURCE_METRICS,
  ResourceMetric,
  ResourceSeries,
  resourceUsageRow,
} from './resource-series.js';
import { labelOptions } from './resource-id-rules.js';
import { gpuSeriesId } from './sample-feeds.js';
import { note, UsageFindings } from './usage-findings.js';
import { GPU_USAGE_COLUMNS, RESOURCE_USAGE_COLUMNS } from './usage-tables.js';
import type { UsageStage } from './usage-stage.js';

export interface WindowCounts {
  gpuRows: number;
  resourceRows: number;
  samples: number;
}

/**
 * Reads one window of hours from Prometheus into the stage: node CPU/memory first, then the
 * DCGM fields, chunk by chunk so memory holds at most one chunk of hours per series. Each
 * metric is its own query_range request (raw selectors, so every GPU/pod series comes back).
 */
export async function readPrometheusWindow(
  config: PrometheusSourceConfig,
  client: PrometheusClient,
  window: { from: Date; to: Date },
  stage: UsageStage,
  ctx: FetchContext,
  findings: UsageFindings,
): Promise<WindowCounts> {
  const from = window.from.getTime() / 1000;
  const to = window.to.getTime() / 1000;
  const chunks = rangeChunks(from, to, config.step, config.chunkHours);
  const perHour = 3600 / config.step;
  const counts: WindowCounts = { gpuRows: 0, resourceRows: 0, samples: 0 };
  const labels = labelOptions(config);

  if (config.nodeQueries) {
    const q = config.nodeQueries;
    const agg = new HourlyAggregator<ResourceSeries>(RESOURCE_METRICS, perHour);
    const copy = await stage.copy('resource_usage', RESOURCE_USAGE_COLUMNS);
    const queries: [ResourceMetric, string][] = [
      ['cpu', q.cpu],
      ['memoryUsed', q.memoryUsed],
      ['memoryTotal', q.memoryTotal],
    ];
    for (const chunk of chunks) {
      for (const [metric, query] of queries) {
        const result = await client.queryRange(ctx, query, chunk, config.step);
        for (const w of result.warnings) note(findings, `prometheus warning: ${w}`);
        for (const s of result.series) {
          const host = s.labels[q.hostLabel]?.replace(/:\d+$/, '');
          if (!host) {
            note(findings, `node series without label ${q.hostLabel}`);
            continue;
          }
          const id = agg.seriesId(host, () => ({
            host,
            resourceId: labels.hostResourceIds!.of(host),
          }));
          for (let i = 0; i < s.times.length; i++) {
            agg.add(id, RESOURCE_METRIC_INDEX[metric], s.times[i]!, s.values[i]!);
          }
        }
      }
      for (const bucket of agg.drain(chunk.end + config.step)) {
        const wait = copy.write(resourceUsageRow(bucket, config.step));
        if (wait) await wait;
      }
    }
    await copy.end();
    counts.resourceRows = copy.rows;
    counts.samples += agg.samples;
    if (copy.rows === 0) note(findings, 'node queries returned no series');
  }

  const agg = new HourlyAggregator<GpuSeries>(GPU_METRICS, perHour);
  const copy = await stage.copy('gpu_usage', GPU_USAGE_COLUMNS);
  const seen = new Set<string>();
  const matchers = config.selector ? `{${config.selector}}` : '';
  for (const chunk of chunks) {
    for (const [field, metric] of Object.entries(DCGM_FIELDS)) {
      const result = await client.queryRange(ctx, `${field}${matchers}`, chunk, config.step);
      for (const w of result.warnings) note(findings, `prometheus warning: ${w}`);
      if (result.series.length > 0) seen.add(field);
      for (const s of result.series) {
        const id = gpuSeriesId(agg, s.labels, labels, findings);
        if (id === null) continue;
        for (let i = 0; i < s.times.length; i++) {
          agg.add(id, GPU_METRIC_INDEX[metric], s.times[i]!, s.values[i]!);
        }
      }
    }
    for (const bucket of agg.drain(chunk.end + config.step)) {
      const row = gpuUsageRow(bucket, config.step);
      if (row.samples < perHour) note(findings, 'GPU-hours with missing samples');
      const wait = copy.write(row);
      if (wait) await wait;
    }
  }
  await copy.end();
  for (const field of Object.keys(DCGM_FIELDS)) {
    if (!seen.has(field)) note(findings, `metric returned no series: ${field}`);
  }
  if (agg.nonFinite > 0) note(findings, 'NaN or infinite samples skipped', agg.nonFinite);
  counts.gpuRows = copy.rows;
  counts.samples += agg.samples;
  return counts;
}
