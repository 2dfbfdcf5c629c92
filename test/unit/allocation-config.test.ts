import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_ALLOCATION,
  loadAllocation,
  readAllocationFile,
  ruleSetFor,
} from '../../src/allocation/allocation-config.js';
import { D } from '../../src/gpu/gpu-cost-split.js';
import { splitExact } from '../../src/allocation/allocation-engine.js';
import { seededRandom } from '../../src/ingestion/gpu/seeded-random.js';

function write(text: string): string {
  const file = path.join(
    mkdtempSync(path.join(os.tmpdir(), 'finops-alloc-cfg-')),
    'allocation.yaml',
  );
  writeFileSync(file, text);
  return file;
}

const base = (pools: string) => `organisation:
  - businessUnit: bu
    costCenters:
      - costCenter: cc
        teams: [a, b]
ruleSets:
  - version: v1
    effectiveFrom: 2024-01
    pools:
${pools}`;

describe('allocation.yaml', () => {
  it('rejects fixed shares that do not add up to 100, naming file, line and key', () => {
    const file = write(
      base(`      - name: net
        when: { service: VPC }
        method: fixed
        shares: { a: 60, b: 30 }
`),
    );
    assert.throws(
      () => readAllocationFile(file),
      (err: Error) =>
        err.message === `${file}:13: ruleSets.0.pools.0.shares: shares add up to 90, not 100`,
    );
  });

  it('rejects a team that is not in the organisation and a regex that does not compile', () => {
    assert.throws(
      () =>
        readAllocationFile(
          write(base(`      - { name: p, method: fixed, shares: { a: 50, zed: 50 } }\n`)),
        ),
      /ruleSets\.0\.pools\.0\.shares\.zed: team "zed" is not in the organisation/,
    );
    assert.throws(
      () =>
        readAllocationFile(
          write(
            base('      []\n').replace(
              'pools:\n      []',
              'rules:\n      - { name: r, when: { resourceName: "(" }, team: a }',
            ),
          ),
        ),
      /rules\.0\.when\.resourceName: not a regular expression/,
    );
  });

  it('takes an idle team only on a GPU-owner rule, and only a known one', () => {
    const rule = (r: string) =>
      write(base('      []\n').replace('pools:\n      []', `rules:\n      - ${r}`));
    const ok = readAllocationFile(rule('{ name: g, team: { gpuOwner: true }, idle: b }'));
    assert.deepEqual(ok.ruleSets[0]!.rules[0]!.team, { gpuOwner: true });
    assert.throws(
      () => readAllocationFile(rule('{ name: g, team: a, idle: b }')),
      /rules\.0\.idle: only a gpuOwner rule has idle/,
    );
    assert.throws(
      () => readAllocationFile(rule('{ name: g, team: { gpuOwner: true }, idle: zed }')),
      /rules\.0\.idle: team "zed" is not in the organisation/,
    );
  });

  it('reads the example config shipped in config/', () => {
    const example = readAllocationFile(
      fileURLToPath(new URL('../../../config/allocation.example.yaml', import.meta.url)),
    );
    assert.equal(ruleSetFor(example, '2024-09')!.pools.length, 4);
    assert.equal(example.organisation.length, 2);
  });

  it('picks the rule set in force by effective-from, and the built-in default without a file', () => {
    const file = write(`ruleSets:
  - { version: v2, effectiveFrom: 2024-07 }
  - { version: v1, effectiveFrom: 2024-01 }
`);
    const config = readAllocationFile(file);
    assert.equal(ruleSetFor(config, '2023-12'), null);
    assert.equal(ruleSetFor(config, '2024-06')!.version, 'v1');
    assert.equal(ruleSetFor(config, '2024-07')!.version, 'v2');
    assert.equal(loadAllocation('/nonexistent'), DEFAULT_ALLOCATION);
  });
});

describe('splitExact', () => {
  it('splits by weights to 12 places, the remainder to the largest weight, adding up exactly', () => {
    assert.deepEqual(splitExact(new D('10'), [new D(1), new D(1), new D(1)]).map(String), [
      '3.333333333334',
      '3.333333333333',
      '3.333333333333',
    ]);
    assert.deepEqual(splitExact(new D('-7.5'), [new D(3), new D(1)]).map(String), [
      '-5.625',
      '-1.875',
    ]);
    const r = seededRandom(7);
    for (let i = 0; i < 2000; i++) {
      const amount = new D((r() * 1e6 - 1e5).toFixed(Math.floor(r() * 14)));
      const weights = Array.from({ length: 1 + Math.floor(r() * 9) }, () =>
        new D((r() * 1000).toFixed(Math.floor(r() * 6))).plus('0.000001'),
      );
      const parts = splitExact(amount, weights);
      assert.ok(parts.reduce((s, p) => s.plus(p), new D(0)).eq(amount), `case ${i}`);
    }
  });
});
