/**
 * `npm run bench -- recommend [--resources N]`: one recommendations run over N resources (default
 * 100,000) with 14 days of daily cost lines and hourly CPU/memory usage (N x 336 usage rows), a
 * slice of them GPU machines with hourly GPU usage. Reports the run's time against a baseline
 * that only reads the same inputs once (a plain GROUP BY of the cost lines and of the usage rows,
 * same run), and the process's peak RSS.
 */
import pg from 'pg';
import { createBenchSource } from './bench-source.js';
import type { DataSource } from 'typeorm';
import { DEFAULT_ALLOCATION } from '../src/allocation/allocation-config.js';
import { AllocationService } from '../src/allocation/allocation.service.js';
import { BusinessMetricsService } from '../src/allocation/business-metrics.service.js';
import { AuditService } from '../src/audit/audit.service.js';
import { InstanceCatalog } from '../src/catalog/instance-catalog.js';
import type { PricesService } from '../src/catalog/prices.service.js';
import type { AppConfig } from '../src/config/app-config.js';
import { DEFAULT_RECOMMEND_CONFIG } from '../src/recommendations/recommend-config.js';
import { RecommendationsService } from '../src/recommendations/recommendations.service.js';

export interface RecommendBenchResult {
  resources: number;
  costLines: number;
  usageRows: number;
  gpuUsageRows: number;
  baselineSeconds: number;
  runSeconds: number;
  ratio: number;
  recommendations: Record<string, number>;
  peakRssMB: number;
}

const TYPES = ['m5.2xlarge', 'm5.xlarge', 'c5.2xlarge', 'r5.xlarge', 't3.large', 'm6i.4xlarge'];
const PRICES = ['0.384', '0.192', '0.34', '0.252', '0.0832', '0.768'];

async function seed(url: string, n: number): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { sourceId, runId } = await createBenchSource(c);
    // Resource r: every 10th a bucket, every 50th an idle address, the rest machines of six
    // types; every 100th machine a single-GPU g5.xlarge. 14 daily lines each.
    await c.query(
      `INSERT INTO cost_record (source_id, import_run_id, billing_period, source_line, billed_cost,
              effective_cost, billing_currency, billing_period_start, billing_period_end,
              charge_category, charge_period_start, charge_period_end, provider_name,
              billing_account_id, sub_account_id, service_name, service_category, resource_id,
              resource_name, resource_type, charge_description, pricing_quantity, pricing_unit,
              consumed_quantity, consumed_unit, sku_price_details, tags)
       SELECT $1, $2, DATE '2024-09-01', r * 14 + d, cost, cost, 'USD', '2024-09-01', '2024-10-01',
              'Usage', start, start + interval '1 day', 'AWS', 'payer', 'acct-' || (r % 20),
              CASE kind WHEN 'bucket' THEN 'Amazon Simple Storage Service'
                        WHEN 'ip' THEN 'Amazon Virtual Private Cloud' ELSE 'Amazon Elastic Compute Cloud' END,
              CASE kind WHEN 'bucket' THEN 'Storage' WHEN 'ip' THEN 'Networking' ELSE 'Compute' END,
              'res-' || r, 'res-' || r, kind,
              CASE kind WHEN 'bucket' THEN 'per GB-month of storage used'
                        WHEN 'ip' THEN 'per Idle public IPv4 address per hour'
                        ELSE 'On Demand Linux ' || type || ' Instance Hour' END,
              CASE kind WHEN 'bucket' THEN 1000 / 30.0 ELSE 24 END,
              CASE kind WHEN 'bucket' THEN 'GB-Mo' ELSE 'Hours' END,
              24, 'Hours',
              CASE WHEN kind IN ('machine', 'gpu') THEN jsonb_build_object('InstanceType', type) END,
              jsonb_build_object('team', 'team-' || (r % 50)) ||
                CASE WHEN r % 7 = 0 THEN '{"workload": "batch"}'::jsonb ELSE '{}'::jsonb END
         FROM generate_series(1, $3) r
        CROSS JOIN LATERAL (SELECT CASE WHEN r % 10 = 0 THEN 'bucket' WHEN r % 50 = 5 THEN 'ip'
                                        WHEN r % 100 = 1 THEN 'gpu' ELSE 'machine' END AS kind) k
        CROSS JOIN LATERAL (SELECT CASE WHEN kind = 'gpu' THEN 'g5.xlarge'
                                        ELSE ($4::text[])[1 + r % 6] END AS type) t
        CROSS JOIN LATERAL (SELECT CASE kind WHEN 'bucket' THEN round(1000 / 30.0 * 0.023, 6)
                                             WHEN 'ip' THEN 0.12
                                             WHEN 'gpu' THEN 1.006 * 24
                                             ELSE ($5::numeric[])[1 + r % 6] * 24 END AS cost) p
        CROSS JOIN generate_series(0, 13) d
        CROSS JOIN LATERAL (SELECT '2024-09-17'::timestamptz + d * interval '1 day' AS start) s`,
      [sourceId, runId, n, TYPES, PRICES],
    );
    // Hourly CPU and memory of every machine: a level per machine, a daily wave.
    await c.query(
      `INSERT INTO resource_usage (source_id, import_run_id, hour, host, resource_id, samples,
              covered_seconds, cpu_avg, cpu_p95, cpu_max, memory_used_avg_bytes,
              memory_used_max_bytes, memory_total_bytes)
       SELECT $1, $2, '2024-09-17'::timestamptz + h * interval '1 hour', 'res-' || r, 'res-' || r,
              12, 3600, lvl, lvl * 1.2, lvl * 1.4, 4e9, 5e9 + (r % 5) * 1e9, 32e9
         FROM generate_series(1, $3) r
        CROSS JOIN LATERAL (SELECT ((r % 40) / 100.0 + 0.01) AS base) b
        CROSS JOIN generate_series(0, 335) h
        CROSS JOIN LATERAL (SELECT base * (1 + 0.3 * sin(h * pi() / 12)) AS lvl) l
        WHERE r % 10 <> 0 AND r % 50 <> 5`,
      [sourceId, runId, n],
    );
    await c.query(
      `INSERT INTO gpu_usage (source_id, import_run_id, hour, host, gpu_uuid, model, samples,
              covered_seconds, gr_engine_active_avg, gr_engine_active_p95, fb_used_avg_mib,
              fb_used_max_mib, fb_total_mib, team)
       SELECT $1, $2, '2024-09-17'::timestamptz + h * interval '1 hour', 'res-' || r, 'GPU-' || r,
              'NVIDIA A10G', 12, 3600, act, act, 4000, 5000, 23028, 'team-' || (r % 50)
         FROM generate_series(1, $3) r
        CROSS JOIN generate_series(0, 335) h
        CROSS JOIN LATERAL (SELECT CASE WHEN r % 300 = 1 AND h > 200 THEN 0
                                        ELSE 0.1 + (r % 7) / 10.0 END AS act) a
        WHERE r % 100 = 1`,
      [sourceId, runId, n],
    );
    await c.query('ANALYZE');
  } finally {
    await c.end();
  }
}

async function count(ds: DataSource, table: string): Promise<number> {
  const [row] = (await ds.query(`SELECT count(*)::int AS n FROM ${table}`)) as { n: number }[];
  return row!.n;
}

async function baseline(ds: DataSource): Promise<number> {
  const started = process.hrtime.bigint();
  await ds.query(
    `SELECT resource_id, sum(effective_cost), max(charge_description) FROM cost_record GROUP BY resource_id`,
  );
  await ds.query(
    `SELECT host, max(cpu_p95), max(memory_used_max_bytes) FROM resource_usage GROUP BY host`,
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export async function recommendBench(
  url: string,
  ds: DataSource,
  resources: number,
): Promise<RecommendBenchResult> {
  await seed(url, resources);
  const config = {
    allocation: DEFAULT_ALLOCATION,
    recommendations: DEFAULT_RECOMMEND_CONFIG,
  } as AppConfig;
  const audit = new AuditService(ds);
  const allocation = new AllocationService(ds, config, new BusinessMetricsService(ds, audit));
  // The bundled catalog: no price source in the bench.
  const prices = { catalog: () => Promise.resolve(InstanceCatalog.bundled()) } as PricesService;
  const service = new RecommendationsService(ds, allocation, audit, config, prices);
  const baselineSeconds = await baseline(ds);
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = process.hrtime.bigint();
  const run = await service.run({ actor: 'bench', now: new Date('2024-10-01T00:00:00Z') });
  const runSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    resources,
    costLines: await count(ds, 'cost_record'),
    usageRows: await count(ds, 'resource_usage'),
    gpuUsageRows: await count(ds, 'gpu_usage'),
    baselineSeconds: round(baselineSeconds),
    runSeconds: round(runSeconds),
    ratio: round(runSeconds / baselineSeconds),
    recommendations: run.byKind,
    peakRssMB: Math.round(Math.max(peak, process.memoryUsage().rss) / 1024 / 1024),
  };
}
