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
  'usage',
  '2024-09-18T22:00:00Z',
  '2024-09-18T23:00:00Z',
  'AWS',
  'Amazon Web Services, Inc.',
  '0.0000004',
  '{" Team": "ml"}',
  '11472',
  'BoxUsage',
];
const plan = planHeader(HEADER) as HeaderPlan;
const get = (row: NormalizedRow, name: string) =>
  row.values[FOCUS_COLUMNS.findIndex((c) => c.name === name)];
const withCell = (name: string, value: string) =>
  GOOD.map((v, i) => (HEADER[i] === name ? value : v));

describe('normalizing a FOCUS row', () => {
  it('produces UTC timestamps, canonical enums, the billing month and exact money text', () => {
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
});
