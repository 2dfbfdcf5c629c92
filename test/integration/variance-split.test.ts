import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { varianceSplit } from '../../src/reports/executive/variance.js';
import { createAllocationApp, TEAM_TAG_RULE_SET } from '../support/allocation-app.js';

const RULES = `
${TEAM_TAG_RULE_SET}`;

// compute: 100 h at list 1.00 with a 20 % discount (80), then 120 h at list 1.10 with 30 % off
// (92.40); storage started in October; support has no quantities (not split).
const ctx = await createAllocationApp(RULES, {
  '2024-09': [
    { billed: '80', effective: '80', list: '100', quantity: '100', sku: 'CPU' },
    { billed: '15', effective: '15', service: 'AWS Support' },
  ],
  '2024-10': [
    { billed: '92.4', effective: '92.4', list: '132', quantity: '120', sku: 'CPU' },
    { billed: '10', effective: '10', list: '10', quantity: '5', sku: 'GB', service: 'Amazon S3' },
    { billed: '18', effective: '18', service: 'AWS Support' },
  ],
});

describe('variance split into volume, list price and commitment effects', () => {
  it('matches the hand-worked example and adds up to the change', async () => {
    const v = await varianceSplit(ctx.db, '2024-10', '2024-09');
    // CPU: volume 20 x 0.80 = 16.00; price (1.10 - 1.00) x 0.80 x 120 = 9.60;
    // commitment 1.10 x (0.20 - 0.30) x 120 = -13.20; together 12.40. S3 new: volume 10.
    assert.deepEqual(
      {
        volume: v.volume,
        price: v.price,
        commitment: v.commitment,
        unsplit: v.unsplit,
        total: v.total,
      },
      { volume: '26.00', price: '9.60', commitment: '-13.20', unsplit: '3.00', total: '25.40' },
    );
    // The parts add up to the change in effective cost: 120.40 - 95.00.
    assert.equal(v.total, '25.40');
    const cpu = v.top.find((t) => t.item.includes('CPU'))!;
    assert.deepEqual(
      [cpu.total, cpu.volume, cpu.price, cpu.commitment],
      ['12.40', '16.00', '9.60', '-13.20'],
    );
  });
});
