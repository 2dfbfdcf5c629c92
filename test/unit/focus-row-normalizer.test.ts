import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FOCUS_COLUMNS } from '../../src/billing/focus-columns.js';
import { HeaderPlan, planHeader } from '../../src/ingestion/focus-file/focus-header.js';
import {
  normalizeRow,
  NormalizedRow,
} from '../../src/ingestion/focus-file/focus-row.normalizer.js';

const HEADER = [
  'BilledCost',
  'EffectiveCost',
  'ListCost',
  'BillingCurrency',
  'BillingPeriodStart',
  'BillingPeriodEnd',
  'ChargeCategory',
  'ChargePeriodStart',
  'ChargePeriodEnd',
  'ProviderName',
  'PublisherName',
  'ListUnitPrice',
  'Tags',
  'Id',
  'x_UsageType',
];
const GOOD = [
  '1.50',
  '1.25',
  '2',
  'USD',
  '2024-09-01 00:00:00',
  '2024-10-01 00:00:00',
  'Usage',
  '2024-09-18T22:00:00Z',
  '2024-09-18T23:00:00Z',
  'AWS',
  'Amazon Web Services, Inc.',
  '0.0000004',
  '{" Team": "ml"}',
  '11472',
  'BoxUsage',
];
const plan = planHeader(HEADER, { first: '2000-01', last: '2027-12' }) as HeaderPlan;
const problemsOf = (cells: string[], line = 4) => {
  const r = normalizeRow(plan, cells, line);
  assert.ok(!r.ok, 'expected the row to be refused');
  return r.problems.map((p) => `${p.line} ${p.column}: ${p.reason}`);
};
const get = (row: NormalizedRow, name: string) =>
  row.values[FOCUS_COLUMNS.findIndex((c) => c.name === name)];
const withCell = (name: string, value: string) =>
  GOOD.map((v, i) => (HEADER[i] === name ? value : v));

describe('normalizing a FOCUS row', () => {
  it('produces UTC timestamps, FOCUS enums, the billing month and exact money text', () => {
    const r = normalizeRow(plan, GOOD, 7);
    assert.ok(r.ok);
    assert.equal(r.row.period, '2024-09-01');
    assert.equal(get(r.row, 'BillingPeriodStart'), '2024-09-01T00:00:00Z');
    assert.equal(get(r.row, 'ChargeCategory'), 'Usage');
    assert.equal(get(r.row, 'BilledCost'), '1.50');
    assert.equal(get(r.row, 'Tags'), '{" Team":"ml"}');
    assert.equal(r.row.extensions, '{"Id":"11472","x_UsageType":"BoxUsage"}');
  });
  it('fills ServiceProviderName/HostProviderName from the pre-1.3 columns', () => {
    const r = normalizeRow(plan, GOOD, 2);
    assert.ok(r.ok);
    assert.equal(get(r.row, 'ServiceProviderName'), 'AWS');
    assert.equal(get(r.row, 'HostProviderName'), 'Amazon Web Services, Inc.');
  });
  it('turns literal NULL into null without complaint', () => {
    const r = normalizeRow(plan, withCell('ListUnitPrice', 'NULL'), 2);
    assert.ok(r.ok);
    assert.equal(get(r.row, 'ListUnitPrice'), null);
    assert.equal(r.row.warnings, null);
  });
  it('rejects a row whose BilledCost is not a number, naming line and column', () => {
    const r = normalizeRow(plan, withCell('BilledCost', '1,50'), 12);
    assert.ok(!r.ok);
    assert.deepEqual(r.problems, [
      { line: 12, column: 'BilledCost', reason: '"1,50" is not a number' },
    ]);
  });
  it('rejects a bad number in a non-required money column too', () => {
    const r = normalizeRow(plan, withCell('ListCost', 'n/a'), 3);
    assert.ok(!r.ok);
    assert.equal(r.problems[0]!.column, 'ListCost');
  });
  it('rejects a row without ChargePeriodStart', () => {
    const r = normalizeRow(plan, withCell('ChargePeriodStart', 'NULL'), 4);
    assert.ok(!r.ok);
    assert.deepEqual(r.problems, [
      { line: 4, column: 'ChargePeriodStart', reason: 'required value is missing' },
    ]);
  });
  it('rejects an unknown ChargeCategory and a period that ends before it starts', () => {
    const bad = normalizeRow(plan, withCell('ChargeCategory', 'Refund'), 5);
    assert.ok(!bad.ok);
    assert.equal(bad.problems[0]!.reason, '"Refund" is not an allowed value');
    const backwards = normalizeRow(plan, withCell('ChargePeriodEnd', '2024-09-18T21:00:00Z'), 6);
    assert.ok(!backwards.ok);
    assert.equal(backwards.problems[0]!.column, 'ChargePeriodEnd');
  });
  it('keeps an odd value in an optional column in extensions instead of failing', () => {
    const r = normalizeRow(plan, withCell('ListUnitPrice', 'see contract'), 8);
    assert.ok(r.ok);
    assert.equal(get(r.row, 'ListUnitPrice'), null);
    assert.deepEqual(JSON.parse(r.row.extensions!), {
      ListUnitPrice: 'see contract',
      Id: '11472',
      x_UsageType: 'BoxUsage',
    });
    assert.deepEqual(r.row.warnings, ['ListUnitPrice: is not a number']);
  });
  it('reports a row with the wrong number of fields', () => {
    const r = normalizeRow(plan, GOOD.slice(1), 9);
    assert.ok(!r.ok);
    assert.equal(
      r.problems[0]!.reason,
      `expected ${HEADER.length} fields, found ${HEADER.length - 1}`,
    );
  });

  it('refuses a period whose end equals its start (FOCUS: the end is exclusive)', () => {
    assert.deepEqual(problemsOf(withCell('ChargePeriodEnd', '2024-09-18T22:00:00Z')), [
      '4 ChargePeriodEnd: 2024-09-18T22:00:00Z is not after its start 2024-09-18T22:00:00Z',
    ]);
  });
  it('refuses billing periods outside the plausible range (year 0001, 2204)', () => {
    for (const year of ['0001', '2204']) {
      const cells = withCell('BillingPeriodStart', `${year}-09-01`).map((v, i) =>
        HEADER[i] === 'BillingPeriodEnd' ? `${year}-10-01` : v,
      );
      assert.deepEqual(problemsOf(cells), [
        `4 BillingPeriodStart: billing period ${year}-09 is outside the plausible range 2000-01 to 2027-12`,
      ]);
    }
  });
  it('refuses a BillingCurrency that is not an ISO 4217 code', () => {
    for (const v of ['usd', 'US Dollar']) {
      assert.deepEqual(problemsOf(withCell('BillingCurrency', v)), [
        `4 BillingCurrency: "${v}" is not an ISO 4217 currency code (three upper-case letters, e.g. USD)`,
      ]);
    }
  });
  it('refuses a required value in the wrong case, naming the FOCUS spelling', () => {
    assert.deepEqual(problemsOf(withCell('ChargeCategory', 'usage')), [
      '4 ChargeCategory: "usage" is not an allowed value (FOCUS spells it "Usage"; values are case-sensitive)',
    ]);
  });
  it('keeps an optional value in the wrong case as provided, in extensions, with a warning', () => {
    const header = [...HEADER, 'ChargeFrequency'];
    const oracle = planHeader(header, plan.periods) as HeaderPlan;
    const r = normalizeRow(oracle, [...GOOD, 'Usage-based'], 3);
    assert.ok(r.ok);
    assert.equal(get(r.row, 'ChargeFrequency'), null);
    assert.equal(JSON.parse(r.row.extensions!).ChargeFrequency, 'Usage-based');
    assert.deepEqual(r.row.warnings, [
      'ChargeFrequency: is not an allowed value (FOCUS spells it "Usage-Based"; values are case-sensitive)',
    ]);
  });
  it('refuses NUL bytes in text, tags and extension values, naming the column', () => {
    for (const name of ['ProviderName', 'Tags', 'Id']) {
      assert.deepEqual(problemsOf(withCell(name, 'a\0b')), [
        `4 ${name}: contains a NUL byte (U+0000), which cannot be stored`,
      ]);
    }
  });
  it('refuses money beyond the stored range, such as 1e400', () => {
    assert.deepEqual(problemsOf(withCell('BilledCost', '1e400')), [
      '4 BilledCost: "1e400" is out of range (at most 38 digits before the point and 100 after)',
    ]);
  });
  it('refuses a timestamp with an impossible offset such as +99:99', () => {
    assert.deepEqual(problemsOf(withCell('ChargePeriodStart', '2024-09-18T22:00:00+99:99')), [
      '4 ChargePeriodStart: "2024-09-18T22:00:00+99:99" is not a valid date/time',
    ]);
  });
  it('warns about a usage charge outside its billing period (legal, but worth a look)', () => {
    const r = normalizeRow(plan, withCell('ChargePeriodEnd', '2024-10-01T01:00:00Z'), 5);
    assert.ok(r.ok);
    assert.deepEqual(r.row.warnings, [
      'ChargePeriodStart: the charge period lies outside its billing period',
    ]);
  });
});
