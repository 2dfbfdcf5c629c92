import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { AdminBootstrap } from '../../src/auth/admin-bootstrap.js';
import { createLogger } from '../../src/logging/logger.js';
import { createHttpApp } from '../../src/http-app.js';
import { fixture, SAMPLE_CSV } from '../support/fixtures.js';
import { testConfig } from '../support/test-app.js';
import { createTestDatabase } from '../support/test-db.js';
import { bearer } from '../support/tokens.js';

// Every log line of this application instance, as JSON, to check ids and redaction.
const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});
const planted = 'fcb_PLANTED-admin-secret-0123456789abcdef';
const dbUrl = await createTestDatabase();
const logger = createLogger('info', false, sink); // the production logger, writing to `sink`
const app = await createHttpApp(testConfig(dbUrl, { adminToken: planted }), logger);
await app.init();
await app.get(AdminBootstrap).ensureAdmin();
await app.listen(0, '127.0.0.1');
after(() => app.close());
const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
const admin = { authorization: `Bearer ${planted}` };

describe('operations', () => {
  it('tags every request with an id, echoed in X-Request-Id and in its log line', async () => {
    const res = await fetch(`${base}/api/costs`, {
      headers: { ...admin, 'x-request-id': 'trace-42' },
    });
    assert.equal(res.headers.get('x-request-id'), 'trace-42');
    const generated = (await fetch(`${base}/health`)).headers.get('x-request-id');
    assert.match(generated!, /^[0-9a-f-]{36}$/);
    const logged = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l['event'] === 'http.request');
    assert.ok(logged.some((l) => l['requestId'] === 'trace-42' && l['route'] === '/api/costs'));
  });

  it('exposes Prometheus metrics for HTTP requests and imports to admin and service tokens', async () => {
    const form = new FormData();
    form.append('file', new Blob([readFileSync(SAMPLE_CSV)]), 'sample.csv');
    assert.equal(
      (await fetch(`${base}/api/imports`, { method: 'POST', body: form, headers: admin })).status,
      201,
    );
    const bad = new FormData();
    bad.append('file', new Blob([readFileSync(fixture('bad-rows-focus-1.0.csv'))]), 'bad.csv');
    assert.equal(
      (await fetch(`${base}/api/imports`, { method: 'POST', body: bad, headers: admin })).status,
      422,
    );
    const service = await bearer(app, 'service');
    const res = await fetch(`${base}/metrics`, { headers: service });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /text\/plain/);
    const text = await res.text();
    assert.match(text, /^finops_import_runs_total\{source="focus-file",outcome="succeeded"\} 1$/m);
    assert.match(text, /^finops_import_runs_total\{source="focus-file",outcome="failed"\} 1$/m);
    assert.match(text, /^finops_import_rows_total\{source="focus-file"\} 500$/m);
    assert.match(
      text,
      /^finops_import_duration_seconds_count\{source="focus-file",outcome="succeeded"\} 1$/m,
    );
    assert.match(
      text,
      /^http_request_duration_seconds_count\{method="GET",route="\/api\/costs",status="404"\} 1$/m,
    );
    assert.match(text, /^process_resident_memory_bytes /m);
  });

  it('never writes a secret to the log', () => {
    assert.ok(lines.length > 5, 'the run logged something');
    const all = lines.join('\n');
    assert.ok(!all.includes(planted), 'the admin token appears in the log');
    assert.ok(!all.includes(new URL(dbUrl).password), 'the database password appears in the log');
  });
});
