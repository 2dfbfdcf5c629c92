/**
 * `npm test`: starts one embedded PostgreSQL (or uses TEST_DATABASE_URL), migrates a template
 * database once, then runs every compiled test file in parallel with node:test. Each file clones
 * the template into its own database (test/support/test-db.ts), so files never share state.
 * Ends with the plain `N passed, N failed` line CI reads.
 */
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { createDataSource, migrate } from '../../src/database/data-source.js';
import { scratchPostgres } from '../../src/database/scratch-postgres.js';
import { createLogger } from '../../src/logging/logger.js';
import { TEMPLATE_DB } from './test-db.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const testRoot = path.resolve(here, '..');

function testFiles(filter: string[]): string[] {
  const files = (readdirSync(testRoot, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => path.join(testRoot, f))
    .sort();
  return filter.length ? files.filter((f) => filter.some((x) => f.includes(x))) : files;
}

async function prepareTemplate(serverUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${TEMPLATE_DB}`;
  const ds = createDataSource(url.toString(), 2);
  await ds.initialize();
  await migrate(ds);
  await ds.destroy();
}

async function main(): Promise<number> {
  const log = createLogger(process.env['LOG_LEVEL'] ?? 'warn', false);
  const server = await scratchPostgres(process.env['TEST_DATABASE_URL'], log);
  const serverUrl = server.url;
  try {
    await prepareTemplate(serverUrl);
    process.env['TEST_SERVER_URL'] = serverUrl;
    const files = testFiles(process.argv.slice(2));
    // Each file runs in its own process, which inherits NODE_OPTIONS: arm the crash tripwire there.
    const tripwire = pathToFileURL(path.join(here, 'tripwire.js')).href;
    process.env['NODE_OPTIONS'] =
      `${process.env['NODE_OPTIONS'] ?? ''} --import=${tripwire}`.trim();
    let passed = 0;
    let failed = 0;
    const stream = run({ files, concurrency: Math.max(2, os.availableParallelism()) });
    stream.on('test:pass', (t) => {
      if (t.details.type !== 'suite') passed++;
    });
    stream.on('test:fail', (t) => {
      if (t.details.type !== 'suite') failed++;
    });
    const reporter = stream.pipe(new spec());
    reporter.pipe(process.stdout);
    await new Promise((resolve) => reporter.on('end', resolve));
    process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
    return failed > 0 || passed === 0 ? 1 : 0;
  } finally {
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `test runner failed: ${(err as Error).stack ?? String(err)}\n0 passed, 1 failed\n`,
    );
    process.exit(1);
  },
);
