import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { D, splitGpuHour, UnitHour } from '../../src/gpu/gpu-cost-split.js';
import { seededRandom } from '../../src/ingestion/gpu/seeded-random.js';

const sum = (split: ReturnType<typeof splitGpuHour<string>>) =>
  split.owners.reduce((s, o) => s.plus(o.used).plus(o.idle), split.unallocatedIdle);

describe('GPU cost split for one GPU-hour', () => {
  it('charges a pod busy 25% of a fully held hour 25% as used and 75% as its idle', () => {
    const split = splitGpuHour(new D('12.3456'), [
      { share: 1, owners: [{ owner: 'ml/train-0', presence: 1, activity: 0.25 }] },
    ]);
    assert.equal(split.owners.length, 1);
    assert.equal(split.owners[0]!.used.toString(), '3.0864');
    assert.equal(split.owners[0]!.idle.toString(), '9.2592');
    assert.equal(split.unallocatedIdle.toString(), '0');
    assert.equal(split.owners[0]!.gpuHours, 1);
    assert.equal(split.owners[0]!.busyGpuHours, 0.25);
  });

  it('leaves the hours no pod held, and a bare GPU, as unallocated idle', () => {
    const split = splitGpuHour(new D('10'), [
      {
        share: 1,
        owners: [
          { owner: 'a', presence: 0.5, activity: 0.8 },
          { owner: null, presence: 0.5, activity: 0 },
        ],
      },
    ]);
    const a = split.owners.find((o) => o.owner === 'a')!;
    assert.deepEqual([a.used.toString(), a.idle.toString()], ['4', '1']);
    assert.equal(split.unallocatedIdle.toString(), '5');
  });

  it('splits a MIG GPU by slice size: 3g and 1g slices of seven, the rest unpartitioned idle', () => {
    const split = splitGpuHour(new D('7'), [
      { share: 3 / 7, owners: [{ owner: 'big', presence: 1, activity: 1 }] },
      { share: 1 / 7, owners: [{ owner: 'small', presence: 1, activity: 0 }] },
    ]);
    const big = split.owners.find((o) => o.owner === 'big')!;
    const small = split.owners.find((o) => o.owner === 'small')!;
    assert.equal(big.used.toFixed(10), '3.0000000000');
    assert.equal(small.idle.toFixed(10), '1.0000000000');
    assert.equal(split.unallocatedIdle.toFixed(10), '3.0000000000');
  });

  it('shares a time-sliced GPU between pods by their share of the activity', () => {
    const split = splitGpuHour(new D('9'), [
      {
        share: 1,
        owners: [
          { owner: 'a', presence: 1, activity: 0.9 },
          { owner: 'b', presence: 1, activity: 0.6 },
        ],
      },
    ]);
    const a = split.owners.find((o) => o.owner === 'a')!;
    const b = split.owners.find((o) => o.owner === 'b')!;
    assert.equal(a.used.toFixed(6), '5.400000');
    assert.equal(b.used.toFixed(6), '3.600000');
    assert.equal(split.unallocatedIdle.toFixed(6), '0.000000');
  });

  it('conserves cost exactly for random owners, MIG layouts and odd data (10,000 cases)', () => {
    const next = seededRandom(20241101);
    for (let i = 0; i < 10_000; i++) {
      const cost = new D(Math.floor(next() * 1e8)).div(10 ** Math.floor(next() * 8));
      const units: UnitHour<string>[] = Array.from({ length: 1 + Math.floor(next() * 4) }, () => ({
        share: next() < 0.5 ? 1 : Math.ceil(next() * 7) / 7,
        owners: Array.from({ length: Math.floor(next() * 4) }, (_, k) => ({
          owner: next() < 0.2 ? null : `pod-${k}`,
          presence: next() < 0.1 ? 1.5 : next(),
          activity: next() < 0.05 ? Number.NaN : next(),
        })),
      }));
      const split = splitGpuHour(cost, units);
      assert.ok(sum(split).eq(cost), `case ${i}: ${sum(split)} != ${cost}`);
      assert.ok(split.unallocatedIdle.gte(0), `case ${i}: negative unallocated`);
      for (const o of split.owners) assert.ok(o.used.gte(0) && o.idle.gte(0), `case ${i}`);
    }
  });
});
