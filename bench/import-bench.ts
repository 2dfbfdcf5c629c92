/**
 * `npm run bench -- import [--rows N] [--periods P]`: throughput of `finops import-file` against a
 * plain COPY of the same CSV into an unindexed table, both on the same PostgreSQL in the same run,
 * plus the importer's peak RSS. Targets: ratio <= 2.0, peak RSS < 300 MB. Rows go round-robin over
 * P consecutive billing periods (default 2); many periods exercise the importer's bounded COPYs.
 */
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { shiftPeriod } from '../src/billing/billing-period.js';
import { runCli } from './cli-run.js';
import { generateFocusCsv } from './focus-generator.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ImportBenchResult {
  rows: number;
  fileMB: number;
  baselineSeconds: number;
  importSeconds: number;
  importRowsPerSecond: number;
  ratio: number;
  peakRssMB: number;
}

/** Plain COPY of the CSV into an unindexed table typed like the file (created in the same transaction as the load, like the importer's stages). */
async function baselineCopy(url: string, file: string): Promise<number> {
  const header = readFileSync(
    path.join(root, 'sample-data', 'focus-1.0-sample-aws-500.csv'),
    'utf8',
  )
    .split('\n')[0]!
    .split(',')
    .map((h) => h.replace(/"/g, ''));
  const type = (n: string) =>
    /Cost$|Price$|Quantity$/.test(n)
      ? 'numeric'
      : /Period(Start|End)$/.test(n)
        ? 'timestamptz'
        : n === 'Tags'
          ? 'jsonb'
          : 'text';
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`SET TimeZone = 'UTC'`);
    const started = process.hrtime.bigint();
    await client.query('BEGIN');
    await client.query(
      `CREATE TABLE bench_baseline (${header.map((h) => `"${h}" ${type(h)}`).join(', ')})`,
    );
    await pipeline(
      createReadStream(file, { highWaterMark: 1024 * 1024 }),
      client.query(
        copyFrom(`COPY bench_baseline FROM STDIN (FORMAT csv, HEADER true, NULL 'NULL')`),
      ),
    );
    await client.query('COMMIT');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await client.query('DROP TABLE bench_baseline');
    return seconds;
  } finally {
    await client.end();
  }
}

/** The real `finops import-file`, with its time and peak RSS. */
async function cliImport(
  url: string,
  file: string,
): Promise<{ seconds: number; peakRssMB: number }> {
  const run = await runCli(['import-file', file, '--source', 'bench', '--json'], {
    DATABASE_URL: url,
  });
  const summary = JSON.parse(run.stdout) as { periods: { rows: number }[] };
  if (summary.periods.reduce((n, p) => n + p.rows, 0) === 0)
    throw new Error('import loaded no rows');
  return run;
}

export async function importBench(
  url: string,
  rows: number,
  outDir: string,
  periodCount = 2,
): Promise<ImportBenchResult> {
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `focus-${rows}${periodCount === 2 ? '' : `-p${periodCount}`}.csv`);
  if (!existsSync(file)) {
    process.stderr.write(`generating ${rows} rows into ${file}\n`);
    const periods = Array.from({ length: periodCount }, (_, i) => shiftPeriod('2024-09', i));
    await generateFocusCsv(file, { rows, periods, seed: 42 });
  }
  await baselineCopy(url, file); // warm the page cache and the server once
  const baselineSeconds = await baselineCopy(url, file);
  const run = await cliImport(url, file);
  return {
    rows,
    fileMB: Math.round(statSync(file).size / 1e6),
    baselineSeconds: round(baselineSeconds),
    importSeconds: round(run.seconds),
    importRowsPerSecond: Math.round(rows / run.seconds),
    ratio: round(run.seconds / baselineSeconds),
    peakRssMB: Math.round(run.peakRssMB),
  };
}

const round = (n: number) => Math.round(n * 100) / 100;
