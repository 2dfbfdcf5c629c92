import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DataSource } from 'typeorm';
import { CostsService } from '../../src/billing/costs.service.js';
import { FocusFileImportService } from '../../src/ingestion/focus-file/focus-file-import.service.js';
import { ImportValidationError } from '../../src/ingestion/import-errors.js';
import { ImportRunsService } from '../../src/ingestion/import-runs.service.js';
import { expectedTotals, fixture, SAMPLE_CSV, sameAmount } from '../support/fixtures.js';
import { createTestContext } from '../support/test-app.js';
import { withCell } from '../support/focus-mutations.js';
import { writeSampleParquet } from '../support/sample-parquet.js';

const { app, db } = await createTestContext();
const importer = app.get(FocusFileImportService);
const costs = app.get(CostsService);
const runs = app.get(ImportRunsService);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'focus-import-'));

async function rowCount(ds: DataSource, source: string, period?: string): Promise<number> {
  const [r] = (await ds.query(
    `SELECT count(*)::int AS n FROM cost_record c JOIN billing_source s ON s.id = c.source_id
      WHERE s.name = $1 AND ($2::date IS NULL OR billing_period = $2::date)`,
    [source, period ? `${period}-01` : null],
  )) as { n: number }[];
  return r!.n;
}

describe('importing the FOCUS 1.0 sample', () => {
  it('loads all 500 rows with BilledCost and EffectiveCost equal to the file to the last decimal', async () => {
    const summary = await importer.importFile({
      path: SAMPLE_CSV,
      source: 'sample',
      trigger: 'cli',
    });
    assert.equal(summary.focusVersion, '1.0');
    assert.equal(summary.format, 'csv');
    const billed = expectedTotals(SAMPLE_CSV, 'BilledCost');
    const effective = expectedTotals(SAMPLE_CSV, 'EffectiveCost');
    assert.deepEqual(
      summary.periods.map((p) => p.period),
      [...billed.keys()],
    );
    const sept = summary.periods[0]!;
    assert.equal(sept.rows, 500);
    assert.equal(sept.billedCost, '5.98839374320');
    assert.ok(sameAmount(sept.billedCost, billed.get('2024-09')!));
    assert.ok(sameAmount(sept.effectiveCost, effective.get('2024-09')!));

    const report = await costs.report('2024-09', null, 'billed');
    assert.deepEqual(report.totals, [{ currency: 'USD', cost: '5.98839374320', rows: 500 }]);
  });

  it('groups by service so that the groups add up exactly to the total', async () => {
    const report = await costs.report('2024-09', 'service', 'billed');
    const ec2 = report.groups.find((g) => g.key === 'Amazon Elastic Compute Cloud');
    assert.ok(ec2 && ec2.rows > 0);
    const { Decimal } = await import('decimal.js');
    const sum = report.groups.reduce((acc, g) => acc.plus(g.cost), new Decimal(0));
    assert.ok(sum.equals(report.totals[0]!.cost));
    assert.equal(
      report.groups.reduce((n, g) => n + g.rows, 0),
      500,
    );
  });

  it('keeps the non-FOCUS Id column and the tags as provided', async () => {
    const [row] = (await db.query(
      `SELECT extensions, tags FROM cost_record WHERE source_line = 3 AND tags IS NOT NULL`,
    )) as { extensions: Record<string, string>; tags: Record<string, string> }[];
    assert.equal(row!.extensions['Id'], '19384');
    assert.deepEqual(row!.tags, {
      application: 'BrightLensMatrix',
      environment: 'dev',
      business_unit: 'ViennaAI',
    });
  });

  it('re-importing the same file keeps one copy of each row', async () => {
    await importer.importFile({ path: SAMPLE_CSV, source: 'sample', trigger: 'cli' });
    assert.equal(await rowCount(db, 'sample'), 500);
    const report = await costs.report('2024-09', null, 'billed');
    assert.equal(report.totals[0]!.cost, '5.98839374320');
  });

  it('reads .csv.gz and .parquet into the same totals as the CSV', async () => {
    const gz = path.join(tmp, 'sample.focus'); // no telling extension: the format is sniffed
    writeFileSync(gz, gzipSync(readFileSync(SAMPLE_CSV)));
    const fromGz = await importer.importFile({ path: gz, source: 'sample-gz', trigger: 'cli' });
    assert.equal(fromGz.format, 'csv.gz');
    assert.equal(fromGz.periods[0]!.billedCost, '5.98839374320');

    const parquet = path.join(tmp, 'sample.parquet');
    await writeSampleParquet(parquet);
    const fromParquet = await importer.importFile({
      path: parquet,
      source: 'sample-parquet',
      trigger: 'cli',
    });
    assert.equal(fromParquet.format, 'parquet');
    assert.equal(fromParquet.periods[0]!.rows, 500);
    assert.ok(sameAmount(fromParquet.periods[0]!.billedCost, '5.98839374320'));
    assert.ok(sameAmount(fromParquet.periods[0]!.effectiveCost, '2'));
  });
});

describe('messy real-world files', () => {
  it('accepts a BOM, CRLF, any column order, NULL tokens, mixed timestamps, odd tag keys and extra columns', async () => {
    const file = fixture('messy-focus-1.2-two-periods.csv');
    const summary = await importer.importFile({
      path: file,
      source: 'messy',
      trigger: 'cli',
      maxRejects: 0,
    });
    assert.equal(summary.focusVersion, '1.2');
    assert.deepEqual(
      summary.periods.map((p) => [p.period, p.rows, p.billedCost, p.effectiveCost]),
      [
        ['2024-09', 3, '34.0026001', '31.3300001'],
        ['2024-10', 2, '-4.808', '-4.85'],
      ],
    );
    assert.deepEqual(summary.warnings, { 'ListUnitPrice: is not a number': 1 });
    const rows = (await db.query(
      `SELECT source_line, tags, extensions, charge_period_start, charge_category, pricing_category,
              charge_description, list_cost, service_provider_name, host_provider_name
         FROM cost_record c JOIN billing_source s ON s.id = c.source_id WHERE s.name = 'messy' ORDER BY source_line`,
    )) as Record<string, unknown>[];
    assert.deepEqual(
      rows.map((r) => r['source_line']),
      ['2', '3', '5', '6', '7'],
    );
    assert.deepEqual(rows[0]!['tags'], { ' Team': 'ml', team: 'web', CostCenter: 'CC-1' });
    assert.equal(rows[0]!['pricing_category'], 'Standard');
    assert.deepEqual(rows[0]!['extensions'], { Id: 'r1', x_UsageType: 'BoxUsage:p4d' });
    assert.equal(
      (rows[1]!['charge_period_start'] as Date).toISOString(),
      '2024-09-15T00:00:00.000Z',
    );
    assert.equal(rows[1]!['charge_description'], '"quoted", multi\nline description');
    assert.equal(rows[1]!['list_cost'], null);
    assert.equal(rows[1]!['tags'], null);
    assert.equal(rows[1]!['host_provider_name'], null);
    assert.equal(rows[1]!['charge_category'], 'Usage');
    assert.equal(
      (rows[3]!['extensions'] as Record<string, string>)['ListUnitPrice'],
      'not-a-price',
    );
  });

  it('maps FOCUS 1.3 and 1.4 headers onto the same table', async () => {
    const v13 = await importer.importFile({
      path: fixture('focus-1.3-split-allocation.csv'),
      source: 'gcp-focus',
      trigger: 'cli',
    });
    assert.equal(v13.focusVersion, '1.3');
    assert.deepEqual(v13.periods, [
      { period: '2025-01', rows: 2, billedCost: '12.50', effectiveCost: '12.50' },
    ]);
    const v14 = await importer.importFile({
      path: fixture('focus-1.4-no-provider-name.csv'),
      source: 'azure-focus',
      trigger: 'cli',
    });
    assert.equal(v14.focusVersion, '1.4');
    const byProvider = await costs.report('2026-05', 'provider', 'effective');
    assert.deepEqual(
      byProvider.groups.map((g) => [g.key, g.cost]),
      [['Microsoft', '100']],
    );
    const billed = await costs.report('2026-05', null, 'billed');
    assert.equal(billed.totals[0]!.cost, '600');
    const [row] = (await db.query(
      `SELECT invoice_detail_id, contract_applied FROM cost_record WHERE invoice_detail_id = 'G1-1' OR allocated_method_id IS NOT NULL ORDER BY 1 NULLS LAST LIMIT 1`,
    )) as Record<string, unknown>[];
    assert.equal(row!['invoice_detail_id'], 'G1-1');
  });
});

describe('strictness and replacement', () => {
  it('fails the whole import on a bad required value, lists file:line: column: reason, and changes nothing', async () => {
    const before = await costs.report('2024-09', null, 'billed');
    const file = fixture('bad-rows-focus-1.0.csv');
    const err = await importer.importFile({ path: file, source: 'sample', trigger: 'cli' }).then(
      () => assert.fail('expected the import to fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ImportValidationError);
    assert.match(err.message, /2 invalid row\(s\); nothing was imported/);
    assert.ok(err.message.includes(`${file}:3: BilledCost: "12,50" is not a number`), err.message);
    assert.ok(
      err.message.includes(`${file}:5: ChargePeriodStart: required value is missing`),
      err.message,
    );
    assert.deepEqual(await costs.report('2024-09', null, 'billed'), before);
    assert.equal(await rowCount(db, 'sample'), 500);
    const [run] = await runs.list(1, 'sample');
    assert.equal(run!.status, 'failed');
    assert.equal(run!.problems.length, 2);
    const leftovers = (await db.query(
      `SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE 'cost_stage%'`,
    )) as { n: number }[];
    assert.equal(leftovers[0]!.n, 0);
  });

  it('with --max-rejects skips up to N bad rows, reports them, keeps them on the run, and replaces the period', async () => {
    const file = fixture('bad-rows-focus-1.0.csv');
    await assert.rejects(
      importer.importFile({ path: file, source: 'sample', trigger: 'cli', maxRejects: 1 }),
      ImportValidationError,
    );
    const summary = await importer.importFile({
      path: file,
      source: 'sample',
      trigger: 'cli',
      maxRejects: 2,
    });
    assert.deepEqual(
      summary.rejected.map((r) => `${r.line} ${r.column}`),
      ['3 BilledCost', '5 ChargePeriodStart'],
    );
    assert.equal(summary.periods[0]!.rows, 8);
    // A new file for the same period replaces the old rows in one transaction.
    assert.equal(await rowCount(db, 'sample', '2024-09'), 8);
    const [run] = await runs.list(1, 'sample');
    assert.equal(run!.status, 'succeeded');
    assert.equal(run!.rowsRejected, 2);
    const [kept] = (await db.query(`SELECT rejected FROM import_run WHERE id = $1`, [run!.id])) as {
      rejected: unknown[];
    }[];
    assert.equal(kept!.rejected.length, 2);
  });

  it('replaces only the periods present in the new file and leaves other sources alone', async () => {
    const file = fixture('messy-focus-1.2-two-periods.csv');
    const octOnly = path.join(tmp, 'oct-only.csv');
    const lines = readFileSync(file, 'utf8').split('\r\n');
    // header + the two October rows (the September rows, including the multi-line one, dropped)
    writeFileSync(
      octOnly,
      [
        lines[0],
        ...lines.filter((l) => l.startsWith('BoxUsage:m5') || l.startsWith('Credit')),
        '',
      ].join('\r\n'),
    );
    const summary = await importer.importFile({ path: octOnly, source: 'messy', trigger: 'cli' });
    assert.deepEqual(
      summary.periods.map((p) => p.period),
      ['2024-10'],
    );
    assert.equal(await rowCount(db, 'messy', '2024-09'), 3);
    assert.equal(await rowCount(db, 'messy', '2024-10'), 2);
    assert.equal(await rowCount(db, 'sample-gz', '2024-09'), 500);
  });

  it('refuses an empty file and a header without required columns, naming them', async () => {
    const empty = path.join(tmp, 'empty.csv');
    writeFileSync(empty, '');
    await assert.rejects(
      importer.importFile({ path: empty, source: 'x', trigger: 'cli' }),
      /file is empty/,
    );
    const wrong = path.join(tmp, 'wrong.csv');
    copyFileSync(SAMPLE_CSV, wrong);
    writeFileSync(wrong, readFileSync(SAMPLE_CSV, 'utf8').replace('"BilledCost"', '"BilledKost"'));
    await assert.rejects(
      importer.importFile({ path: wrong, source: 'x', trigger: 'cli' }),
      (e: unknown) =>
        e instanceof ImportValidationError &&
        e.message.includes(`${wrong}:1: BilledCost: required column is missing`),
    );
  });
});

/** Rows and exact sums of a source, to show a failed import changed nothing. */
async function sourceState(source: string): Promise<string> {
  const [r] = (await db.query(
    `SELECT count(*)::int AS n, sum(billed_cost)::text AS billed, sum(effective_cost)::text AS eff
       FROM cost_record c JOIN billing_source s ON s.id = c.source_id WHERE s.name = $1`,
    [source],
  )) as { n: number; billed: string; eff: string }[];
  return `${r!.n} ${r!.billed} ${r!.eff}`;
}

describe('truncated, corrupt and implausible files', () => {
  const sample = readFileSync(SAMPLE_CSV);
  const text = sample.toString('utf8');
  let before = '';

  /** Imports `bytes` over the guarded source; it must fail naming the file, and change nothing. */
  async function refused(name: string, bytes: Buffer | string): Promise<ImportValidationError> {
    const file = path.join(tmp, name);
    writeFileSync(file, bytes);
    const err = await importer.importFile({ path: file, source: 'guarded', trigger: 'cli' }).then(
      () => assert.fail(`expected ${name} to be refused`),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ImportValidationError, `${name}: ${String(err)}`);
    assert.ok(err.message.startsWith(file), err.message);
    assert.equal(await sourceState('guarded'), before, `${name} changed the data`);
    const [run] = await runs.list(1, 'guarded');
    assert.equal(run!.status, 'failed');
    return err;
  }
  const problem = (err: ImportValidationError) =>
    `${err.problems[0]!.line} ${err.problems[0]!.column}: ${err.problems[0]!.reason}`;

  it('refuses the sample cut at byte 14451 as truncated, keeping the month it would replace', async () => {
    await importer.importFile({ path: SAMPLE_CSV, source: 'guarded', trigger: 'cli' });
    before = await sourceState('guarded');
    assert.match(before, /^500 /);
    const err = await refused('cut.csv', sample.subarray(0, 14451));
    assert.match(
      problem(err),
      /^19 Tags: the last record has no line break: the file is truncated$/,
    );
    const open = await refused('open-quote.csv', text.slice(0, 14440));
    assert.match(
      problem(open),
      /^19 Tags: quoted field opened on line 19 never closes: the file is truncated$/,
    );
  });

  it('says what a file is when it is no CSV: ZIP, PDF, images, UTF-16', async () => {
    const cases: [string, Buffer, string][] = [
      ['a.zip', Buffer.from('PK\u0003\u0004rest', 'latin1'), 'a ZIP archive'],
      ['a.pdf', Buffer.from('%PDF-1.7\n'), 'a PDF document'],
      ['a.png', Buffer.from('\u0089PNG\r\n', 'latin1'), 'a PNG image'],
      ['a.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'a JPEG image'],
      ['a.gif', Buffer.from('GIF89a'), 'a GIF image'],
      [
        'bom16.csv',
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
        'UTF-16 text',
      ],
      ['nobom16.csv', Buffer.from(text, 'utf16le'), 'UTF-16 text'],
    ];
    for (const [name, bytes, what] of cases) {
      const err = await refused(name, bytes);
      assert.match(err.summary, new RegExp(`: file is ${what}.*, not CSV/Parquet$`), name);
    }
  });

  it('names the file and the line reached for a truncated or corrupt gzip', async () => {
    const gz = gzipSync(sample);
    const cut = await refused('cut.csv.gz', gz.subarray(0, 6000));
    assert.match(
      problem(cut),
      /^\d+ \(file\): the gzip content is truncated .*read up to line \d+/,
    );
    const flipped = Buffer.from(gz);
    flipped[gz.length - 6] = flipped[gz.length - 6]! ^ 0xff; // the CRC-32 of the content
    assert.match(problem(await refused('crc.csv.gz', flipped)), /the gzip content is corrupt/);
  });

  it('names the file when a Parquet file is truncated or corrupt', async () => {
    const file = path.join(tmp, 'whole.parquet');
    await writeSampleParquet(file);
    const bytes = readFileSync(file);
    const err = await refused('cut.parquet', bytes.subarray(0, Math.floor(bytes.length / 2)));
    assert.match(problem(err), /^1 \(file\): the Parquet file is truncated or corrupt/);
  });

  it('refuses values PostgreSQL cannot store or no bill has, at file:line: column', async () => {
    const cases: [string, string, string, RegExp][] = [
      ['BilledCost', '1e400', 'huge.csv', /^3 BilledCost: "1e400" is out of range/],
      ['BilledCost', '1'.repeat(200_000), 'digits.csv', /^3 BilledCost: "1{20}.* is out of range/],
      ['Tags', 'a\u0000b', 'nul.csv', /^3 Tags: contains a NUL byte/],
      [
        'BillingPeriodStart',
        '0000-09-01 00:00:00',
        'y0.csv',
        /^3 BillingPeriodStart: "0000-09-01 00:00:00" is not a valid date/,
      ],
      [
        'BillingPeriodStart',
        '2204-09-01 00:00:00',
        'y2204.csv',
        /^3 BillingPeriodStart: billing period 2204-09 is outside the plausible range/,
      ],
      [
        'BillingCurrency',
        'usd',
        'usd.csv',
        /^3 BillingCurrency: "usd" is not an ISO 4217 currency code/,
      ],
      [
        'ChargePeriodEnd',
        '2024-09-18 22:00:00',
        'same.csv',
        /^3 ChargePeriodEnd: 2024-09-18T22:00:00Z is not after its start/,
      ],
    ];
    for (const [column, value, name, expected] of cases) {
      const err = await refused(name, withCell(text, 2, column, value));
      assert.ok(
        err.problems.some((p) => expected.test(`${p.line} ${p.column}: ${p.reason}`)),
        `${name}: ${err.message}`,
      );
    }
    const latin1 = Buffer.from(withCell(text, 2, 'ServiceName', 'caf\u00e9'), 'latin1');
    assert.match(
      problem(await refused('latin1.csv', latin1)),
      /^3 \(row\): column \d+: bytes that are not valid UTF-8/,
    );
  });

  it('keeps an optional value that is not the FOCUS spelling as provided, and counts the warning', async () => {
    const file = path.join(tmp, 'oracle.csv');
    writeFileSync(file, withCell(text, 1, 'ChargeFrequency', 'Usage-based'));
    const summary = await importer.importFile({ path: file, source: 'oracle', trigger: 'cli' });
    assert.deepEqual(summary.warnings, {
      'ChargeFrequency: is not an allowed value (FOCUS spells it "Usage-Based"; values are case-sensitive)': 1,
    });
    const [row] = (await db.query(
      `SELECT charge_frequency, extensions->>'ChargeFrequency' AS kept FROM cost_record c
         JOIN billing_source s ON s.id = c.source_id WHERE s.name = 'oracle' AND source_line = 2`,
    )) as { charge_frequency: string | null; kept: string }[];
    assert.deepEqual(row, { charge_frequency: null, kept: 'Usage-based' });
  });
});
