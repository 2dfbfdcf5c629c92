import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { generateFocusCsv } from '../../bench/focus-generator.js';
import { shiftPeriod } from '../../src/billing/billing-period.js';
import { poolSizeFor } from '../../src/database/data-source.js';
import { expectedTotals, sameAmount } from '../support/fixtures.js';
import { focusCsv } from '../support/focus-lines.js';
import { createUploadApp, healthWhile } from '../support/upload-app.js';

const service = await createUploadApp({ uploadMaxBytes: 64 * 1024 * 1024 });
const tmp = mkdtempSync(path.join(os.tmpdir(), 'import-load-'));
const PERIODS = Array.from({ length: 36 }, (_, i) => shiftPeriod('2022-01', i));

/** Per-period row count and exact sums of a source in cost_record. */
async function stored(source: string) {
  const rows = (await service.db.query(
    `SELECT to_char(billing_period, 'YYYY-MM') AS period, count(*)::int AS rows,
            sum(billed_cost)::text AS billed, sum(effective_cost)::text AS effective
       FROM cost_record c JOIN billing_source s ON s.id = c.source_id
      WHERE s.name = $1 GROUP BY 1 ORDER BY 1`,
    [source],
  )) as { period: string; rows: number; billed: string; effective: string }[];
  return rows;
}

async function importYearsOverHttp(file: string, source: string) {
  const billed = expectedTotals(file, 'BilledCost');
  const effective = expectedTotals(file, 'EffectiveCost');
  const response = service.upload(readFileSync(file), { source }, path.basename(file));
  const health = await healthWhile(service.base, response);
  const res = await response;
  const body = (await res.json()) as { periods: { period: string; billedCost: string }[] };
  assert.equal(res.status, 201, JSON.stringify(body));
  assert.ok(
    health.every((s) => s === 200),
    `health answered ${health.join(',')}`,
  );
  assert.deepEqual(
    body.periods.map((p) => p.period),
    PERIODS,
  );
  const rows = await stored(source);
  assert.deepEqual(
    rows.map((r) => r.period),
    PERIODS,
  );
  for (const r of rows) {
    assert.equal(r.rows, 100, r.period);
    assert.ok(sameAmount(r.billed, billed.get(r.period)!), `${r.period} billed ${r.billed}`);
    assert.ok(sameAmount(r.effective, effective.get(r.period)!), `${r.period} effective`);
  }
}

describe('imports under load', () => {
  it(
    'imports a 36-month file with interleaved periods while /health keeps answering',
    { timeout: 180_000 },
    async () => {
      const file = path.join(tmp, 'interleaved.csv');
      // Rows go round-robin over the periods: every row is for another month than the last.
      await generateFocusCsv(file, { rows: 3600, periods: PERIODS, seed: 3 });
      await importYearsOverHttp(file, 'three-years');
    },
  );

  it(
    'imports a 36-month file sorted by period with exact per-period totals',
    { timeout: 180_000 },
    async () => {
      const file = path.join(tmp, 'sorted.csv');
      await generateFocusCsv(file, { rows: 3600, periods: PERIODS, seed: 4 });
      const [header, ...lines] = readFileSync(file, 'utf8').trimEnd().split('\n');
      const period = (line: string) => /"(\d{4}-\d{2})-01 00:00:00"/.exec(line)![1]!;
      lines.sort((a, b) => period(a).localeCompare(period(b)));
      const sorted = path.join(tmp, 'sorted-by-period.csv');
      writeFileSync(sorted, [header, ...lines].join('\n') + '\n');
      await importYearsOverHttp(sorted, 'three-years-sorted');
    },
  );

  it(
    'answers 40 parallel uploads to different sources with 201 or 503 and Retry-After, and keeps /health up',
    { timeout: 180_000 },
    async (t) => {
      const amounts = Array.from({ length: 40 }, (_, i) =>
        Array.from({ length: 5 }, (_, j) => `${i}.${String(j + 1).repeat(9)}`),
      );
      const all = Promise.all(
        amounts.map(async (lines, i) => {
          const csv = focusCsv(
            lines.map((billed) => ({ billed, effective: billed })),
            '2024-05',
          );
          const res = await service.upload(csv, { source: `parallel-${i}` });
          const body = (await res.json()) as { error?: string };
          return { i, status: res.status, retryAfter: res.headers.get('retry-after'), body };
        }),
      );
      const health = await healthWhile(service.base, all);
      const answers = await all;
      assert.ok(
        health.every((s) => s === 200),
        `health answered ${health.join(',')}`,
      );
      for (const a of answers) {
        if (a.status === 201) continue;
        assert.equal(a.status, 503, JSON.stringify(a));
        assert.equal(a.body.error, 'imports_busy');
        assert.match(a.retryAfter ?? '', /^[1-9]\d*$/);
      }
      const succeeded = answers.filter((a) => a.status === 201);
      t.diagnostic(`${succeeded.length} imported, ${answers.length - succeeded.length} refused`);
      assert.ok(succeeded.length >= 2, `only ${succeeded.length} uploads succeeded`);
      for (const a of answers) {
        const rows = await stored(`parallel-${a.i}`);
        if (a.status !== 201) {
          assert.deepEqual(rows, [], `refused upload ${a.i} left data`);
          continue;
        }
        const total = amounts[a.i]!.reduce((s, x) => s.plus(x), new Decimal(0));
        assert.equal(rows.length, 1);
        assert.equal(rows[0]!.rows, 5);
        assert.ok(
          sameAmount(rows[0]!.billed, total.toString()),
          `upload ${a.i}: ${rows[0]!.billed}`,
        );
      }
    },
  );
});

describe('a full connection pool', () => {
  it('answers 503 with Retry-After instead of waiting forever', { timeout: 60_000 }, async () => {
    const small = await createUploadApp({ importConcurrency: 1, dbWaitMs: 300 });
    const held = await Promise.all(
      Array.from({ length: poolSizeFor(1) }, async () => {
        const q = small.db.createQueryRunner();
        await q.connect();
        return q;
      }),
    );
    try {
      const res = await fetch(`${small.base}/api/imports`, { headers: small.admin });
      const body = (await res.json()) as { error: string };
      assert.equal(res.status, 503);
      assert.equal(body.error, 'database_busy');
      assert.match(res.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
    } finally {
      await Promise.all(held.map((q) => q.release()));
    }
    const res = await fetch(`${small.base}/api/imports`, { headers: small.admin });
    assert.equal(res.status, 200);
  });
});
