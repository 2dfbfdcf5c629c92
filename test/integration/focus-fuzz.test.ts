import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FocusFileImportService } from '../../src/ingestion/focus-file/focus-file-import.service.js';
import { ImportValidationError } from '../../src/ingestion/import-errors.js';
import { fixture, SAMPLE_CSV } from '../support/fixtures.js';
import { seededRandom } from '../../src/ingestion/gpu/seeded-random.js';
import { Mutant, mutants, parseCsv, toCsv } from '../support/focus-mutations.js';
import { writeSampleParquet } from '../support/sample-parquet.js';
import { createTestContext } from '../support/test-app.js';

const { app, db } = await createTestContext();
const importer = app.get(FocusFileImportService);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'focus-fuzz-'));
const SEED = 16;
const CSV_MUTANTS = 320;
const SOURCE = 'fuzz';

/** Rows and exact sums per billing period of the fuzzed source. */
async function state(): Promise<Map<string, string>> {
  const rows = (await db.query(
    `SELECT billing_period::text AS p, count(*)::int AS n, sum(billed_cost)::text AS b,
            sum(effective_cost)::text AS e
       FROM cost_record c JOIN billing_source s ON s.id = c.source_id
      WHERE s.name = $1 GROUP BY 1 ORDER BY 1`,
    [SOURCE],
  )) as { p: string; n: number; b: string; e: string }[];
  return new Map(rows.map((r) => [r.p.slice(0, 7), `${r.n} ${r.b} ${r.e}`]));
}

/** The first 40 rows of the 500-row sample and the messy/1.3/1.4 fixtures, as CSV bytes. */
function samples(): { name: string; bytes: Buffer }[] {
  const head = parseCsv(readFileSync(SAMPLE_CSV, 'utf8')).slice(0, 41);
  return [
    { name: 'aws-40.csv', bytes: Buffer.from(toCsv(head)) },
    ...['messy-focus-1.2-two-periods.csv', 'focus-1.3-split-allocation.csv'].map((name) => ({
      name,
      bytes: readFileSync(fixture(name)),
    })),
    { name: 'focus-1.4.csv', bytes: readFileSync(fixture('focus-1.4-no-provider-name.csv')) },
  ];
}

/** A few cut and flipped copies of the 40-row sample written as Parquet. */
async function parquetMutants(csv: Buffer): Promise<Mutant[]> {
  const csvFile = path.join(tmp, 'aws-40.csv');
  writeFileSync(csvFile, csv);
  const file = path.join(tmp, 'aws-40.parquet');
  await writeSampleParquet(file, csvFile);
  const bytes = readFileSync(file);
  const rand = seededRandom(SEED);
  const out: Mutant[] = [{ name: 'parquet-whole', kind: 'parquet', bytes }];
  for (let i = 0; i < 4; i++) {
    const cut = bytes.subarray(0, Math.floor(rand() * bytes.length));
    out.push({ name: `parquet-cut-${i}`, kind: 'parquet-truncated', bytes: cut });
    const flipped = Buffer.from(bytes);
    const at = Math.floor(rand() * bytes.length);
    flipped[at] = flipped[at]! ^ 0xff;
    out.push({ name: `parquet-flip-${i}`, kind: 'parquet-flipped', bytes: flipped });
  }
  return out;
}

/** A reason without the values in it, to count rejections by kind. */
const reasonClass = (reason: string) =>
  reason
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\(.*\)/g, '(…)')
    .replace(/\d[\d:.TZ-]*/g, 'N')
    .slice(0, 70);

describe('fuzzing the FOCUS import with mutated files', () => {
  it('never crashes, never writes part of a failed file, and names file:line for each refusal', async (t) => {
    const base = samples();
    const files = [...mutants(base, CSV_MUTANTS, SEED), ...(await parquetMutants(base[0]!.bytes))];
    const outcomes = new Map<string, number>();
    const reasons = new Map<string, number>();
    const count = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);
    const started = Date.now();
    for (const mutant of files) {
      const file = path.join(tmp, mutant.name);
      writeFileSync(file, mutant.bytes);
      const before = await state();
      try {
        const summary = await importer.importFile({ path: file, source: SOURCE, trigger: 'cli' });
        count(outcomes, `${mutant.kind} accepted`);
        // What the run says it loaded is what is there; periods not in the file are untouched.
        const after = await state();
        const loaded = new Map(summary.periods.map((p) => [p.period, p.rows]));
        for (const [period, rows] of loaded) {
          assert.equal(after.get(period)?.split(' ')[0], String(rows), `${mutant.name} ${period}`);
        }
        for (const [period, value] of before) {
          if (!loaded.has(period)) assert.equal(after.get(period), value, mutant.name);
        }
      } catch (err) {
        assert.ok(err instanceof ImportValidationError, `${mutant.name}: ${(err as Error).stack}`);
        assert.ok(err.message.startsWith(file), `${mutant.name}: ${err.message}`);
        assert.ok(err.problems.length > 0, mutant.name);
        for (const p of err.problems) {
          assert.ok(
            p.line >= 1 && p.column !== '' && p.reason !== '',
            `${mutant.name}: ${p.reason}`,
          );
        }
        assert.deepEqual(await state(), before, `${mutant.name} changed the data`);
        count(outcomes, `${mutant.kind} rejected`);
        count(reasons, reasonClass(err.problems[0]!.reason));
      }
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const rejected = [...outcomes].filter(([k]) => k.endsWith('rejected'));
    const total = (list: [string, number][]) => list.reduce((n, [, v]) => n + v, 0);
    t.diagnostic(
      `${files.length} files in ${seconds} s: ${files.length - total(rejected)} accepted, ${total(rejected)} rejected`,
    );
    for (const [k, v] of [...outcomes].sort()) t.diagnostic(`  ${k}: ${v}`);
    for (const [k, v] of [...reasons].sort((a, b) => b[1] - a[1]))
      t.diagnostic(`  reason ${v}x ${k}`);
    // The generators must keep producing both outcomes, or the test has stopped testing.
    assert.ok(total(rejected) > files.length / 2 && total(rejected) < files.length);
  });
});
