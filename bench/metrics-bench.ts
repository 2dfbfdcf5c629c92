/**
 * `npm run bench -- metrics [--mb N]`: business metrics at scale. (1) A seeded CSV of N MiB
 * (default 1024, the upload limit) imported by the real `finops metrics import`, against a plain
 * COPY of the same file into an unindexed typed table; peak RSS of the import (target < 300 MB).
 * (2) Six million stored daily values (two years of 8,210 keys): the unit-cost figures of
 * `finops unit-costs` (the executive report's and the workbook's metric figures) against a plain
 * GROUP BY of the same values; peak RSS of that CLI (target < 300 MB).
 */
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { runCli } from './cli-run.js';
import { generateMetricsCsv } from './metrics-generator.js';

export interface MetricsBenchResult {
  fileMB: number;
  rows: number;
  baselineCopySeconds: number;
  importSeconds: number;
  importRowsPerSecond: number;
  importRatio: number;
  importPeakRssMB: number;
  storedValues: number;
  baselineGroupBySeconds: number;
  unitCostsSeconds: number;
  unitCostsRatio: number;
  unitCostsPeakRssMB: number;
}

const round = (n: number) => Math.round(n * 100) / 100;

async function withClient<T>(url: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Plain COPY of the CSV into an unindexed table typed like the file, created in the same transaction. */
async function baselineCopy(url: string, file: string): Promise<number> {
  return withClient(url, async (client) => {
    const started = process.hrtime.bigint();
    await client.query('BEGIN');
    await client.query(
      `CREATE TABLE bench_metric_baseline (metric text, date date, team text, product text,
                                           value numeric, unit text)`,
    );
    await pipeline(
      createReadStream(file, { highWaterMark: 1024 * 1024 }),
      client.query(copyFrom(`COPY bench_metric_baseline FROM STDIN (FORMAT csv, HEADER true)`)),
    );
    await client.query('COMMIT');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await client.query('DROP TABLE bench_metric_baseline');
    return seconds;
  });
}

const PERIOD_SQL = `SELECT metric, team, product, granularity, sum(value)::text, count(DISTINCT day)
  FROM business_metric WHERE day >= $1 AND day < $2 GROUP BY metric, team, product, granularity`;

/**
 * Replaces the stored values with 6M daily ones: 10 metrics of 821 teams on every day of 2023
 * and 2024 (8,210 keys a period, 6,001,510 values).
 */
async function storeSixMillion(url: string): Promise<{ values: number; groupBySeconds: number }> {
  return withClient(url, async (client) => {
    await client.query('TRUNCATE business_metric');
    await client.query(
      `INSERT INTO business_metric (metric, granularity, day, team, value, origin, loaded_by)
       SELECT 'metric-' || m, 'day', d::date, 'team-' || t, (m * 7 + t) % 1000 + 0.5, 'bench', 'bench'
         FROM generate_series(1, 10) m, generate_series(1, 821) t,
              generate_series('2023-01-01'::date, '2024-12-31'::date, interval '1 day') d`,
    );
    await client.query('ANALYZE business_metric');
    const [{ n }] = (
      await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM business_metric`)
    ).rows as [{ n: number }];
    const groupBy = async () => {
      const started = process.hrtime.bigint();
      for (const [from, to] of [
        ['2024-09-01', '2024-10-01'],
        ['2024-08-01', '2024-09-01'],
      ])
        await client.query(PERIOD_SQL, [from, to]);
      return Number(process.hrtime.bigint() - started) / 1e9;
    };
    await groupBy(); // warm
    return { values: n, groupBySeconds: await groupBy() };
  });
}

export async function metricsBench(
  url: string,
  mb: number,
  outDir: string,
): Promise<MetricsBenchResult> {
  mkdirSync(outDir, { recursive: true });
  // An empty config folder: built-in allocation rules, so any team name is taken.
  const configDir = path.join(outDir, 'metrics-config');
  mkdirSync(configDir, { recursive: true });
  const env = { DATABASE_URL: url, FINOPS_CONFIG_DIR: configDir };
  const file = path.join(outDir, `metrics-${mb}mb.csv`);
  if (!existsSync(file)) {
    process.stderr.write(`generating ${mb} MiB of business metrics into ${file}\n`);
    await generateMetricsCsv(file, mb * 1024 * 1024);
  }
  await baselineCopy(url, file); // warm the page cache and the server once
  const copySeconds = await baselineCopy(url, file);
  const load = await runCli(['metrics', 'import', file, '--json'], env);
  const rows = (JSON.parse(load.stdout) as { stored: number }).stored;
  const stored = await storeSixMillion(url);
  const unit = await runCli(['unit-costs', '--period', '2024-09', '--json'], env);
  if ((JSON.parse(unit.stdout) as unknown[]).length === 0) throw new Error('no unit costs');
  return {
    fileMB: Math.round(statSync(file).size / 1e6),
    rows,
    baselineCopySeconds: round(copySeconds),
    importSeconds: round(load.seconds),
    importRowsPerSecond: Math.round(rows / load.seconds),
    importRatio: round(load.seconds / copySeconds),
    importPeakRssMB: Math.round(load.peakRssMB),
    storedValues: stored.values,
    baselineGroupBySeconds: round(stored.groupBySeconds),
    unitCostsSeconds: round(unit.seconds),
    unitCostsRatio: round(unit.seconds / stored.groupBySeconds),
    unitCostsPeakRssMB: Math.round(unit.peakRssMB),
  };
}
