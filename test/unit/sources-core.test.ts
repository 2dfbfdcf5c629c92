import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { resolveSecretRef } from '../../src/config/secret-ref.js';
import { periodBounds, periodsToImport } from '../../src/sources/restatement-window.js';
import {
  DEFAULT_RETRY,
  nextDelayMs,
  retryAfterSeconds,
  withRetries,
} from '../../src/sources/retry-policy.js';

describe('restatement window', () => {
  it('re-imports the previous month until N days after it ended, always the current one', () => {
    assert.deepEqual(periodsToImport(new Date('2024-10-01T00:00:00Z'), 5), ['2024-09', '2024-10']);
    assert.deepEqual(periodsToImport(new Date('2024-10-05T23:59:59Z'), 5), ['2024-09', '2024-10']);
    assert.deepEqual(periodsToImport(new Date('2024-10-06T00:00:00Z'), 5), ['2024-10']);
    assert.deepEqual(periodsToImport(new Date('2025-01-02T12:00:00Z'), 3), ['2024-12', '2025-01']);
    assert.deepEqual(periodsToImport(new Date('2025-01-02T12:00:00Z'), 0), ['2025-01']);
  });
  it('gives a period as [first day, first day of next month)', () => {
    assert.deepEqual(periodBounds('2024-12'), { start: '2024-12-01', end: '2025-01-01' });
  });
});

describe('retries', () => {
  it('back off exponentially with full jitter, capped, and give up after the last attempt', () => {
    const p = { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 3000 };
    assert.equal(
      nextDelayMs(p, 1, { retryable: true }, () => 1),
      1000,
    );
    assert.equal(
      nextDelayMs(p, 2, { retryable: true }, () => 1),
      2000,
    );
    assert.equal(
      nextDelayMs(p, 3, { retryable: true }, () => 1),
      3000,
    );
    assert.equal(
      nextDelayMs(p, 3, { retryable: true }, () => 0.5),
      1500,
    );
    assert.equal(nextDelayMs(p, 4, { retryable: true }), undefined);
    assert.equal(nextDelayMs(p, 1, { retryable: false }), undefined);
  });
  it("honour the provider's requested wait", () => {
    assert.equal(nextDelayMs(DEFAULT_RETRY, 1, { retryable: true, retryAfterSeconds: 7 }), 7000);
    assert.equal(retryAfterSeconds({ 'retry-after': '12' }), 12);
    assert.equal(
      retryAfterSeconds({
        'x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after': '30',
        'retry-after': '5',
      }),
      30,
    );
    assert.equal(
      retryAfterSeconds(
        { 'retry-after': 'Wed, 21 Oct 2015 07:28:10 GMT' },
        Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'),
      ),
      10,
    );
    assert.equal(retryAfterSeconds({}), undefined);
  });
  it('retry until success, waiting as told', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withRetries(
      { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100 },
      async () => {
        if (++calls < 3) throw Object.assign(new Error('throttled'), { wait: calls });
        return 'ok';
      },
      (err) => ({ retryable: true, retryAfterSeconds: (err as { wait: number }).wait }),
      async (ms) => void waits.push(ms),
    );
    assert.equal(result, 'ok');
    assert.deepEqual(waits, [100, 100]); // 1 s and 2 s asked, capped at maxDelayMs
  });
});

describe('secret references', () => {
  it('read ${env:NAME} and ${file:/path}, and name what is missing', () => {
    assert.equal(resolveSecretRef('${env:AWS_KEY}', { AWS_KEY: 'abc' }), 'abc');
    assert.throws(() => resolveSecretRef('${env:NOPE}', {}), /NOPE is not set/);
    const f = path.join(mkdtempSync(path.join(os.tmpdir(), 'sec-')), 'key');
    writeFileSync(f, 's3cr3t\n');
    assert.equal(resolveSecretRef(`\${file:${f}}`), 's3cr3t');
    assert.throws(
      () => resolveSecretRef('${file:/nonexistent/k}'),
      /cannot read secret file \/nonexistent\/k: ENOENT/,
    );
    assert.equal(resolveSecretRef('us-east-1'), 'us-east-1');
  });
});
