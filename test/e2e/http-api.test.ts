import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createHttpApp } from '../../src/http-app.js';
import { fixture, SAMPLE_CSV } from '../support/fixtures.js';
import { testConfig, testLogger } from '../support/test-app.js';
import { createTestDatabase } from '../support/test-db.js';
import { bearer } from '../support/tokens.js';

const url = await createTestDatabase();
const app = await createHttpApp(testConfig(url, { uploadMaxBytes: 1024 * 1024 }), testLogger());
await app.listen(0, '127.0.0.1');
after(() => app.close());
const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
const admin = await bearer(app, 'admin');
const get = (route: string) => fetch(`${base}${route}`, { headers: admin });

function upload(file: string, fields: Record<string, string> = {}, name = path.basename(file)) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([readFileSync(file)]), name);
  return fetch(`${base}/api/imports`, { method: 'POST', body: form, headers: admin });
}

describe('HTTP API', () => {
  it('GET /health reports the database as up', async () => {
    const res = await fetch(`${base}/health`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { status: string; database: { status: string } };
    assert.equal(body.status, 'ok');
    assert.equal(body.database.status, 'up');
  });

  it('POST /api/imports streams a multipart upload and returns per-period totals', async () => {
    const res = await upload(SAMPLE_CSV, { source: 'uploads' });
    assert.equal(res.status, 201);
    const body = (await res.json()) as { source: string; file: string; periods: unknown[] };
    assert.equal(body.source, 'uploads');
    assert.equal(body.file, 'focus-1.0-sample-aws-500.csv');
    assert.deepEqual(body.periods, [
      { period: '2024-09', rows: 500, billedCost: '5.98839374320', effectiveCost: '2.00000000000' },
    ]);
  });

  it('GET /api/costs returns exact totals and groups', async () => {
    const res = await get('/api/costs?period=2024-09&groupBy=service&basis=billed');
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      totals: { cost: string }[];
      groups: { key: string; cost: string }[];
    };
    assert.deepEqual(body.totals, [{ currency: 'USD', cost: '5.98839374320', rows: 500 }]);
    assert.ok(body.groups.some((g) => g.key === 'Elastic Load Balancing'));
    const byTag = (await (await get('/api/costs?groupBy=tag:environment')).json()) as {
      period: string;
      groups: { key: string | null }[];
    };
    assert.equal(byTag.period, '2024-09'); // defaults to the latest period with data
    assert.ok(byTag.groups.some((g) => g.key === 'dev'));
  });

  it('rejects bad query parameters with a 400 naming the field', async () => {
    const res = await get('/api/costs?period=2024-13');
    assert.equal(res.status, 400);
    const body = (await res.json()) as { field: string; message: string };
    assert.equal(body.field, 'period');
    const bad = await get('/api/costs?groupBy=colour');
    assert.equal(((await bad.json()) as { field: string }).field, 'groupBy');
    const unknown = await get('/api/costs?foo=1');
    assert.equal(unknown.status, 400);
  });

  it('answers an implausible period on every route taking one with a 400 naming it, not a 500', async () => {
    for (const route of [
      '/api/costs?period=0000-01',
      '/api/costs?period=2204-01',
      '/api/allocation?period=0000-01',
      '/api/gpu/efficiency?period=0000-01',
      '/api/unit-costs?period=0000-01',
      '/api/business-metrics?period=0000-01',
      '/api/reports/executive/0000-01.html',
      '/api/reports/chargeback/0000-01.xlsx',
      '/api/audit?since=0000-01-01',
    ]) {
      const res = await get(route);
      assert.equal(res.status, 400, route);
      const body = (await res.json()) as { field: string; message: string };
      assert.ok(['period', 'since'].includes(body.field), `${route}: ${JSON.stringify(body)}`);
    }
    const post = await fetch(`${base}/api/periods/0000-01/close`, {
      method: 'POST',
      headers: admin,
    });
    assert.equal(post.status, 400);
  });

  it('answers an invalid file with 422 and file:line: column: reason problems, keeping the data', async () => {
    const res = await upload(fixture('bad-rows-focus-1.0.csv'), { source: 'uploads' });
    assert.equal(res.status, 422);
    const body = (await res.json()) as { problems: { text: string }[] };
    assert.equal(
      body.problems[0]!.text,
      'bad-rows-focus-1.0.csv:3: BilledCost: "12,50" is not a number',
    );
    const costs = (await (await get('/api/costs?period=2024-09&basis=billed')).json()) as {
      totals: { cost: string }[];
    };
    assert.equal(costs.totals[0]!.cost, '5.98839374320');
  });

  it('refuses an upload over the size limit with 413', async () => {
    const big = path.join(mkdtempSync(path.join(os.tmpdir(), 'big-')), 'big.csv');
    writeFileSync(big, Buffer.alloc(2 * 1024 * 1024, 'a'));
    const res = await upload(big);
    assert.equal(res.status, 413);
  });

  it('GET /api/imports lists runs with status, counts and errors, newest first', async () => {
    const runs = (await (await get('/api/imports?source=uploads')).json()) as {
      status: string;
      rowsLoaded: number;
      error: string | null;
    }[];
    assert.equal(runs.length, 2);
    assert.equal(runs[0]!.status, 'failed');
    assert.match(runs[0]!.error!, /2 invalid row/);
    assert.equal(runs[1]!.status, 'succeeded');
    assert.equal(runs[1]!.rowsLoaded, 500);
  });

  it('serves the OpenAPI document and its UI at /api/docs', async () => {
    const ui = await fetch(`${base}/api/docs`);
    assert.equal(ui.status, 200);
    assert.match(await ui.text(), /swagger/i);
    const doc = (await (await fetch(`${base}/api/docs/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    for (const p of ['/api/costs', '/api/imports', '/health']) assert.ok(p in doc.paths, p);
  });
});
