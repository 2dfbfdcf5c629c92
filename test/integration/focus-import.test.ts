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

async function writeSampleParquet(target: string): Promise<void> {
  const { parquetWriteFile } = await import('hyparquet-writer');
  const Papa = (await import('papaparse')).default;
  const { Decimal } = await import('decimal.js');
  const parsed = Papa.parse<string[]>(readFileSync(SAMPLE_CSV, 'utf8'), { skipEmptyLines: true });
  const [header, ...rows] = parsed.data as string[][];
  const money = new Set(['BilledCost', 'EffectiveCost', 'ListCost', 'ContractedCost']);
  const schema: Record<string, unknown>[] = [{ name: 'root', num_children: header!.length }];
  const columnData = header!.map((name, i) => {
    const values = rows.map((r) => (r[i] === 'NULL' ? null : r[i]!));
    if (money.has(name)) {
      // DECIMAL(38, 11) stored as unscaled integers, as provider exports do.
      schema.push({
        name,
        type: 'FIXED_LEN_BYTE_ARRAY',
        type_length: 16,
        converted_type: 'DECIMAL',
        scale: 11,
        precision: 38,
        repetition_type: 'OPTIONAL',
      });
      return {
        name,
        data: values.map((v) =>
          v === null ? null : BigInt(new Decimal(v).times(1e11).toFixed(0)),
        ),
      };
    }
    if (name.endsWith('PeriodStart') || name.endsWith('PeriodEnd')) {
      schema.push({
        name,
        type: 'INT64',
        converted_type: 'TIMESTAMP_MILLIS',
        repetition_type: 'OPTIONAL',
      });
      return {
        name,
        data: values.map((v) => (v === null ? null : new Date(`${v.replace(' ', 'T')}Z`))),
      };
    }
    schema.push({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' });
    return { name, data: values };
  });
  parquetWriteFile({ filename: target, columnData, schema } as never);
}
