import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { generateFocusCsv } from '../../bench/focus-generator.js';
import { freePort, freshFetch, startService } from '../support/service-process.js';
import { createTestDatabase } from '../support/test-db.js';

const url = await createTestDatabase();
const db = new pg.Client({ connectionString: url });
await db.connect();
db.on('error', () => undefined); // the database is dropped (WITH FORCE) when the file ends
after(() => db.end());

const port = await freePort();

describe('graceful shutdown', () => {
  it('lets a running upload import finish before stopping: no half state', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'shutdown-')), 'big.csv');
    await generateFocusCsv(file, { rows: 150_000, periods: ['2024-09'], seed: 3 });
    const admin = 'fcb_shutdown-test-admin-token-0123456789';
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: url,
      PORT: String(port),
      FINOPS_ADMIN_TOKEN: admin,
      FINOPS_SAMPLE_DATA: 'off',
      LOG_LEVEL: 'warn',
    };
    const { child, url: base, exited, log } = await startService(env);
    const form = new FormData();
    form.append('source', 'big');
    form.append('file', new Blob([readFileSync(file)]), 'big.csv');
    const response = freshFetch(`${base}/api/imports`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${admin}` },
    });

    // SIGTERM while the rows are being copied.
    for (let i = 0; ; i++) {
      const { rows } = await db.query<{ n: number }>(
        `SELECT tuples_processed::int AS n FROM pg_stat_progress_copy WHERE datname = current_database()`,
      );
      if (rows.some((r) => r.n > 10_000)) break;
      if (i > 600) throw new Error(`the import never started copying:\n${log()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGTERM');

    const res = await response;
    assert.equal(res.status, 201, log());
    const summary = (await res.json()) as { periods: { rows: number }[] };
    assert.equal(summary.periods[0]!.rows, 150_000);
    await exited;
    const { rows } = await db.query<{ n: number; status: string }>(
      `SELECT (SELECT count(*)::int FROM cost_record) AS n, (SELECT status FROM import_run ORDER BY id DESC LIMIT 1) AS status`,
    );
    assert.deepEqual(rows[0], { n: 150_000, status: 'succeeded' });
  });
});
