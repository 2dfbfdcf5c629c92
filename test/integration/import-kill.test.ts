import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { generateFocusCsv } from '../../bench/focus-generator.js';
import { CostsService } from '../../src/billing/costs.service.js';
import { FocusFileImportService } from '../../src/ingestion/focus-file/focus-file-import.service.js';
import { ImportRunsService } from '../../src/ingestion/import-runs.service.js';
import { CLI, SAMPLE_CSV } from '../support/fixtures.js';
import { createTestContext } from '../support/test-app.js';

const { app, db, url } = await createTestContext();

async function poll<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('an import killed mid-way', () => {
  it('leaves the previous data intact, and the run is marked failed afterwards', async () => {
    await app
      .get(FocusFileImportService)
      .importFile({ path: SAMPLE_CSV, source: 'victim', trigger: 'cli' });
    const big = path.join(mkdtempSync(path.join(os.tmpdir(), 'kill-')), 'big.csv');
    await generateFocusCsv(big, { rows: 300_000, periods: ['2024-09'], seed: 7 });

    const child = spawn(process.execPath, [CLI, 'import-file', big, '--source', 'victim'], {
      env: { ...process.env, DATABASE_URL: url },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Wait until the COPY into the stage table is well under way, then kill -9.
    await poll('the COPY to start', async () => {
      const rows = (await db.query(
        `SELECT tuples_processed::int AS n FROM pg_stat_progress_copy WHERE datname = current_database()`,
      )) as { n: number }[];
      return rows.some((r) => r.n > 20_000) ? true : undefined;
    });
    child.kill('SIGKILL');
    await exited;

    const report = await app.get(CostsService).report('2024-09', null, 'billed');
    assert.deepEqual(report.totals, [{ currency: 'USD', cost: '5.98839374320', rows: 500 }]);

    const runs = app.get(ImportRunsService);
    // The server notices the dead client and releases its locks; then the run can be reaped.
    await poll(
      'the interrupted run to be reaped',
      async () => ((await runs.reapInterrupted()) > 0 ? true : undefined),
      20_000,
    );
    const [latest] = await runs.list(1, 'victim');
    assert.equal(latest!.status, 'failed');
    assert.match(latest!.error!, /^interrupted/);
    const stages = (await db.query(
      `SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE 'cost\\_stage%'`,
    )) as { n: number }[];
    assert.equal(stages[0]!.n, 0);

    // The source is usable again straight away.
    const again = await app
      .get(FocusFileImportService)
      .importFile({ path: SAMPLE_CSV, source: 'victim', trigger: 'cli' });
    assert.equal(again.periods[0]!.rows, 500);
  });
});
