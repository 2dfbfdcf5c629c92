/**
 * `npm run bench -- <name> [--rows N]`. Starts its own embedded PostgreSQL (or uses
 * BENCH_DATABASE_URL), runs the benchmark, prints the figures as JSON and checks the targets.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDataSource, migrate } from '../src/database/data-source.js';
import { acquireEmbeddedPostgres, EmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { createLogger } from '../src/logging/logger.js';
import { importBench } from './import-bench.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function main(): Promise<number> {
  const [name = 'import', ...rest] = process.argv.slice(2);
  const rowsFlag = rest.indexOf('--rows');
  const rows = rowsFlag >= 0 ? Number(rest[rowsFlag + 1]) : 1_000_000;
  if (name !== 'import') {
    process.stderr.write(`unknown benchmark "${name}"; available: import\n`);
    return 2;
  }
  let embedded: EmbeddedPostgres | undefined;
  let dataDir: string | undefined;
  let url = process.env['BENCH_DATABASE_URL'];
  if (!url) {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'finops-bench-pg-'));
    chmodSync(dataDir, 0o755);
    embedded = await acquireEmbeddedPostgres(dataDir, createLogger('warn', false));
    url = embedded.url;
  }
  try {
    const ds = createDataSource(url, 2);
    await ds.initialize();
    await migrate(ds);
    await ds.destroy();
    const result = await importBench(url, rows, path.join(root, 'bench', 'out'));
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    const ok = result.ratio <= 2.0 && result.peakRssMB < 300;
    process.stdout.write(
      `${ok ? 'PASS' : 'FAIL'}: ratio ${result.ratio} (target <= 2.0), peak RSS ${result.peakRssMB} MB (target < 300)\n`,
    );
    return ok ? 0 : 1;
  } finally {
    await embedded?.release();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
