/**
 * `npm run bench -- <name> [--rows N]`. Starts its own embedded PostgreSQL (or uses
 * BENCH_DATABASE_URL), runs the benchmark, prints the figures as JSON and checks the targets.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDataSource, migrate } from '../src/database/data-source.js';
import { scratchPostgres } from '../src/database/scratch-postgres.js';
import { createLogger } from '../src/logging/logger.js';
import { allocateBench } from './allocate-bench.js';
import { gpuBench } from './gpu-bench.js';
import { importBench } from './import-bench.js';
import { metricsBench } from './metrics-bench.js';
import { workbookBench } from './workbook-bench.js';
import { recommendBench } from './recommend-bench.js';

/** Recommendations: a run may take this many times a plain read of its inputs, in this much memory. */
const RECOMMEND_RATIO = 3;
const RECOMMEND_RSS_MB = 768;
/** Business metrics: the import and the unit-cost figures stay under this much memory. */
const METRICS_RSS_MB = 300;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function main(): Promise<number> {
  const [name = 'import', ...rest] = process.argv.slice(2);
  const rowsFlag = rest.indexOf('--rows');
  const rows = rowsFlag >= 0 ? Number(rest[rowsFlag + 1]) : 1_000_000;
  if (name === 'gpu') {
    const gpusFlag = rest.indexOf('--gpus');
    const result = gpuBench(gpusFlag >= 0 ? Number(rest[gpusFlag + 1]) : 1000);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    // Memory holds one chunk (a day) of hour buckets for every series, whatever the days: the
    // last two thirds of the days may add at most 10% to the peak of the first third.
    const growth = result.peakRssMB / result.peakRssFirstThirdMB;
    const ok = result.peakRssMB < 400 && growth <= 1.1;
    process.stdout.write(
      `${ok ? 'PASS' : 'FAIL'}: ${result.samplesPerSecond} samples/s, ${result.ratio}x a plain loop over the same samples; peak RSS ${result.peakRssMB} MB (target < 400), ${result.peakRssFirstThirdMB} MB after the first ${Math.ceil(result.days / 3)} days (growth ${Math.round((growth - 1) * 1000) / 10}%, target <= 10%)\n`,
    );
    return ok ? 0 : 1;
  }
  if (!['import', 'allocate', 'recommend', 'metrics'].includes(name)) {
    process.stderr.write(
      `unknown benchmark "${name}"; available: import, gpu, allocate, recommend, metrics\n`,
    );
    return 2;
  }
  const server = await scratchPostgres(
    process.env['BENCH_DATABASE_URL'],
    createLogger('warn', false),
  );
  const url = server.url;
  try {
    const ds = createDataSource(url, 2);
    await ds.initialize();
    await migrate(ds);
    if (name === 'recommend') {
      try {
        const flag = rest.indexOf('--resources');
        const result = await recommendBench(url, ds, flag >= 0 ? Number(rest[flag + 1]) : 100_000);
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        const ok = result.ratio <= RECOMMEND_RATIO && result.peakRssMB < RECOMMEND_RSS_MB;
        process.stdout.write(
          `${ok ? 'PASS' : 'FAIL'}: ${result.resources} resources, ${result.usageRows} usage rows: run ${result.runSeconds} s vs reading the inputs ${result.baselineSeconds} s, ratio ${result.ratio} (target <= ${RECOMMEND_RATIO}); peak RSS ${result.peakRssMB} MB (target < ${RECOMMEND_RSS_MB})\n`,
        );
        return ok ? 0 : 1;
      } finally {
        await ds.destroy();
      }
    }
    if (name === 'allocate') {
      try {
        const result = await allocateBench(url, ds, rows);
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        const ok = result.ratio <= 3;
        process.stdout.write(
          `${ok ? 'PASS' : 'FAIL'}: allocation ${result.allocateSeconds} s vs plain GROUP BY ${result.baselineSeconds} s, ratio ${result.ratio} (target <= 3)\n`,
        );
        const wb = await workbookBench(rows, path.join(root, 'bench', 'out'));
        process.stdout.write(`${JSON.stringify(wb, null, 2)}\n`);
        const wbOk = wb.peakRssMB < 400;
        process.stdout.write(
          `${wbOk ? 'PASS' : 'FAIL'}: chargeback workbook of ${wb.detailRows} detail rows in ${wb.workbookSeconds} s (${wb.ratio}x writing them as CSV, ${wb.csvSeconds} s), ${wb.fileMB} MB, peak RSS ${wb.peakRssMB} MB (target < 400)\n`,
        );
        return ok && wbOk ? 0 : 1;
      } finally {
        await ds.destroy();
      }
    }
    await ds.destroy();
    if (name === 'metrics') {
      const mbFlag = rest.indexOf('--mb');
      const m = await metricsBench(
        url,
        mbFlag >= 0 ? Number(rest[mbFlag + 1]) : 1024,
        path.join(root, 'bench', 'out'),
      );
      process.stdout.write(`${JSON.stringify(m, null, 2)}\n`);
      const ok = m.importPeakRssMB < METRICS_RSS_MB && m.unitCostsPeakRssMB < METRICS_RSS_MB;
      process.stdout.write(
        `${ok ? 'PASS' : 'FAIL'}: import of ${m.rows} values (${m.fileMB} MB) ${m.importSeconds} s, ${m.importRowsPerSecond} rows/s, ${m.importRatio}x a plain COPY (${m.baselineCopySeconds} s), peak RSS ${m.importPeakRssMB} MB (target < ${METRICS_RSS_MB}); unit costs from ${m.storedValues} stored values ${m.unitCostsSeconds} s, ${m.unitCostsRatio}x a plain GROUP BY (${m.baselineGroupBySeconds} s), peak RSS ${m.unitCostsPeakRssMB} MB (target < ${METRICS_RSS_MB})\n`,
      );
      return ok ? 0 : 1;
    }
    const periodsFlag = rest.indexOf('--periods');
    const periods = periodsFlag >= 0 ? Number(rest[periodsFlag + 1]) : 2;
    const result = await importBench(url, rows, path.join(root, 'bench', 'out'), periods);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    const ok = result.ratio <= 2.0 && result.peakRssMB < 300;
    process.stdout.write(
      `${ok ? 'PASS' : 'FAIL'}: ratio ${result.ratio} (target <= 2.0), peak RSS ${result.peakRssMB} MB (target < 300)\n`,
    );
    return ok ? 0 : 1;
  } finally {
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
