import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadSources } from '../../src/config/app-config.js';
import type { UsageRunResult } from '../../src/ingestion/gpu/usage-import.service.js';
import { createCloudApp } from '../support/cloud-app.js';
import { RecordedRequest, Reply, startLoopback } from '../support/loopback-server.js';

const NOW = new Date('2024-09-02T02:05:00Z');
const FROM = Date.UTC(2024, 8, 2) / 1000;

/** GPU_UTIL of one H100 at 30% every minute of the two hours before NOW; other fields empty. */
function answer(req: RecordedRequest): Reply {
  const query = new URLSearchParams(req.body).get('query') ?? '';
  const result = query.startsWith('DCGM_FI_DEV_GPU_UTIL')
    ? [
        {
          metric: {
            Hostname: 'gpu-1',
            UUID: 'GPU-1',
            gpu: '0',
            modelName: 'NVIDIA H100 80GB HBM3',
          },
          values: Array.from({ length: 120 }, (_, i) => [FROM + i * 60, '30']),
        },
      ]
    : [];
  return { body: { status: 'success', data: { resultType: 'matrix', result } } };
}

describe('prometheus source errors', () => {
  it('retries a 503 after Retry-After, and fails a 400 bad_data naming the query, keeping the rows', async () => {
    let reply: (req: RecordedRequest) => Reply = answer;
    const prom = await startLoopback((req) => reply(req));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'finops-prom-err-'));
    writeFileSync(
      path.join(dir, 'sources.yaml'),
      `sources:\n  - name: prom\n    kind: prometheus\n    url: ${prom.url}\n    lookbackHours: 2\n    nodeQueries: false\n`,
    );
    const { sources, db, delays } = await createCloudApp(loadSources(dir));
    const run = async () =>
      ((await sources.run('prom', { trigger: 'cli', now: NOW })) as UsageRunResult[])[0]!;

    let overloaded = 2;
    reply = (req) =>
      overloaded-- > 0
        ? {
            status: 503,
            headers: { 'retry-after': '7' },
            body: { status: 'error', errorType: 'timeout', error: 'query timed out' },
          }
        : answer(req);
    const ok = await run();
    assert.equal(ok.status, 'succeeded', ok.message ?? '');
    assert.equal(ok.retries, 2);
    assert.equal(ok.requests, 7 + 2); // 7 DCGM fields, the first tried three times
    assert.deepEqual(delays, [7000, 7000]);
    const rows = async () =>
      (await db.query(
        `SELECT hour, gpu_util_avg, samples FROM gpu_usage ORDER BY hour`,
      )) as unknown[];
    const stored = [
      { hour: new Date('2024-09-02T00:00:00Z'), gpu_util_avg: 30, samples: 60 },
      { hour: new Date('2024-09-02T01:00:00Z'), gpu_util_avg: 30, samples: 60 },
    ];
    assert.deepEqual(await rows(), stored);

    const before = prom.requests.length;
    reply = () => ({
      status: 400,
      body: {
        status: 'error',
        errorType: 'bad_data',
        error: 'invalid parameter "query": 1:21: parse error: unexpected "}"',
      },
    });
    await assert.rejects(
      run,
      /bad_data: invalid parameter "query".*\(query_range DCGM_FI_DEV_GPU_UTIL \[2024-09-02T00:00:00\.000Z \.\. .*\] step 60s at http:\/\/127\.0\.0\.1:\d+\)/,
    );
    assert.equal(prom.requests.length - before, 1, 'a 400 is not retried');
    assert.deepEqual(await rows(), stored);
    const [failed] = (await db.query(
      `SELECT status, error FROM import_run ORDER BY id DESC LIMIT 1`,
    )) as { status: string; error: string }[];
    assert.equal(failed!.status, 'failed');
    assert.match(failed!.error, /bad_data/);
  });
});
