import type { DcgmScrapeSourceConfig } from '../../config/app-config.js';
import { FetchContext } from '../cloud/cloud-fetcher.js';
import { callProvider, retryableStatus } from '../cloud/provider-call.js';
import { GPU_METRICS, GpuSeries, gpuUsageRow } from './gpu-series.js';
import { HourlyAggregator } from './hourly-aggregator.js';
import { labelOptions } from './resource-id-rules.js';
import { feedExposition } from './sample-feeds.js';
import { UsageFindings } from './usage-findings.js';
import { GPU_USAGE_COLUMNS } from './usage-tables.js';
import type { UsageStage } from './usage-stage.js';

const SCRAPE_TIMEOUT_MS = 10_000;

/** GETs one exporter's `/metrics` text (retried on throttling, 5xx and network errors). */
export async function scrapeTarget(
  target: string,
  headers: Record<string, string>,
  ctx: FetchContext,
): Promise<string> {
  return callProvider(
    ctx,
    `GET ${target}`,
    async () => {
      const res = await fetch(target, {
        headers: { ...headers, accept: 'text/plain;version=0.0.4' },
        signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS),
      });
      const text = await res.text();
      if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { status: res.status });
      return text;
    },
    (err) => {
      const status = (err as { status?: number }).status;
      return {
        retryable: status === undefined || retryableStatus(status),
        message: (err as Error).message,
      };
    },
  );
}

/**
 * Aggregates every buffered scrape taken before `beforeSec` (closed hours) into the stage. The
 * bodies are read back in scrape order through a cursor-sized batch so memory stays bounded.
 */
export async function aggregateBufferedScrapes(
  q: { query(sql: string, params: unknown[]): Promise<unknown> },
  config: DcgmScrapeSourceConfig,
  sourceId: number,
  beforeSec: number,
  stage: UsageStage,
  findings: UsageFindings,
): Promise<{ gpuRows: number; samples: number; fromSec: number | null }> {
  const agg = new HourlyAggregator<GpuSeries>(GPU_METRICS, 3600 / config.intervalSeconds);
  const copy = await stage.copy('gpu_usage', GPU_USAGE_COLUMNS);
  const labels = labelOptions(config);
  let fromSec: number | null = null;
  let afterId = '0';
  for (;;) {
    const batch = (await q.query(
      `SELECT id, extract(epoch FROM scraped_at)::bigint AS t, body FROM gpu_scrape_sample
        WHERE source_id = $1 AND scraped_at < to_timestamp($2) AND id > $3 ORDER BY id LIMIT 500`,
      [sourceId, beforeSec, afterId],
    )) as { id: string; t: string; body: string }[];
    if (batch.length === 0) break;
    for (const row of batch) {
      const t = Number(row.t);
      fromSec = fromSec === null ? t : Math.min(fromSec, t);
      feedExposition(row.body, t, agg, labels, findings);
    }
    afterId = batch.at(-1)!.id;
  }
  for (const bucket of agg.drain()) {
    const wait = copy.write(gpuUsageRow(bucket, config.intervalSeconds));
    if (wait) await wait;
  }
  await copy.end();
  return {
    gpuRows: copy.rows,
    samples: agg.samples,
    fromSec: fromSec === null ? null : fromSec - (fromSec % 3600),
  };
}
