import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FOCUS_COLUMNS } from '../../src/billing/focus-columns.js';
import {
  detectVersion,
  HeaderPlan,
  planHeader,
} from '../../src/ingestion/focus-file/focus-header.js';

const REQUIRED = [
  'BilledCost',
  'EffectiveCost',
  'BillingCurrency',
  'BillingPeriodStart',
  'BillingPeriodEnd',
  'ChargeCategory',
  'ChargePeriodStart',
  'ChargePeriodEnd',
];
const target = (plan: HeaderPlan, header: string) =>
  FOCUS_COLUMNS[plan.targets[plan.names.indexOf(header)]!]?.name;

describe('FOCUS version detection', () => {
  it('recognises each version from the columns present', () => {
    assert.equal(detectVersion([...REQUIRED, 'ChargeSubcategory', 'UsageQuantity']), '1.0-preview');
    assert.equal(
      detectVersion([...REQUIRED, 'ChargeClass', 'ConsumedQuantity', 'ProviderName']),
      '1.0',
    );
    assert.equal(
      detectVersion([...REQUIRED, 'ChargeClass', 'SkuMeter', 'ServiceSubcategory']),
      '1.1',
    );
    assert.equal(
      detectVersion([...REQUIRED, 'ChargeClass', 'SkuMeter', 'InvoiceId', 'PricingCurrency']),
      '1.2',
    );
    assert.equal(
      detectVersion([
        ...REQUIRED,
        'InvoiceId',
        'ProviderName',
        'ServiceProviderName',
        'HostProviderName',
      ]),
      '1.3',
    );
    assert.equal(
      detectVersion([
        ...REQUIRED,
        'InvoiceId',
        'ServiceProviderName',
        'HostProviderName',
        'InvoiceDetailId',
      ]),
      '1.4',
    );
  });
});

const PERIODS = { first: '2000-01', last: '2027-12' };

describe('header planning', () => {
  it('refuses a column name with a NUL byte', () => {
    const problems = planHeader([...REQUIRED, 'x_\0Id'], PERIODS);
    assert.ok(Array.isArray(problems));
    assert.deepEqual(problems, [
      { line: 1, column: `#${REQUIRED.length + 1}`, reason: 'column name contains a NUL byte' },
    ]);
  });
  it('maps columns in any order and case, strips a BOM, sends x_ and unknown columns to extensions', () => {
    const plan = planHeader(
      [
        '\uFEFFbilledcost',
        ' EffectiveCost ',
        'Id',
        'x_ServiceCode',
        ...REQUIRED.slice(2).reverse(),
      ],
      PERIODS,
    );
    assert.ok(!Array.isArray(plan));
    assert.equal(plan.names[0], 'billedcost');
    assert.equal(target(plan, 'billedcost'), 'BilledCost');
    assert.equal(target(plan, 'EffectiveCost'), 'EffectiveCost');
    assert.equal(plan.targets[plan.names.indexOf('Id')], -1);
    assert.equal(plan.targets[plan.names.indexOf('x_ServiceCode')], -1);
  });
  it('maps pre-1.0 names onto current columns', () => {
    const plan = planHeader(
      [
        ...REQUIRED.filter((c) => c !== 'EffectiveCost' && c !== 'ChargeCategory'),
        'AmortizedCost',
        'ChargeType',
        'UsageQuantity',
      ],
      PERIODS,
    );
    assert.ok(!Array.isArray(plan));
    assert.equal(target(plan, 'AmortizedCost'), 'EffectiveCost');
    assert.equal(target(plan, 'ChargeType'), 'ChargeCategory');
    assert.equal(target(plan, 'UsageQuantity'), 'ConsumedQuantity');
  });
  it('reports every missing required column and duplicates on line 1', () => {
    const problems = planHeader(['BilledCost', 'BilledCost', 'ChargeCategory'], PERIODS);
    assert.ok(Array.isArray(problems));
    assert.deepEqual(problems[0], {
      line: 1,
      column: 'BilledCost',
      reason: 'duplicate column (also column 1)',
    });
    const missing = problems
      .filter((p) => p.reason === 'required column is missing')
      .map((p) => p.column);
    assert.deepEqual(
      missing.sort(),
      REQUIRED.filter((c) => c !== 'BilledCost' && c !== 'ChargeCategory').sort(),
    );
  });
});
