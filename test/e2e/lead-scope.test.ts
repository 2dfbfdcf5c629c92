import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AllocationReport } from '../../src/allocation/allocation-views.js';
import type { GpuEfficiencyReport } from '../../src/gpu/gpu-efficiency.service.js';
import { createAllocationApp } from '../support/allocation-app.js';
import { bearer } from '../support/tokens.js';

const RULES = `
organisation:
  - businessUnit: Products
    costCenters:
      - costCenter: CC-1
        teams: [searchers, mlteam, platformers]
ruleSets:
  - version: v1
    effectiveFrom: 2024-01
    rules:
      - name: GPU nodes by owner
        when: { service: Amazon Elastic Compute Cloud }
        team: { gpuOwner: true }
        idle: platformers
      - name: team tag
        team: { tag: team }
`;

/** Two GPU machines: i-0shared is used by mlteam and searchers, i-0other by searchers only. */
const ctx = await createAllocationApp(RULES, {
  '2024-09': [
    { billed: '100', effective: '100', resourceId: 'i-0shared' },
    { billed: '40', effective: '40', resourceId: 'i-0other' },
    { billed: '10', effective: '10', resourceId: 'i-0web', tags: { team: 'searchers' } },
    { billed: '7', effective: '7', resourceId: 'i-0db', tags: { team: 'mlteam' } },
    { billed: '3', effective: '3', resourceId: 'i-0untagged' },
  ],
});
const [source] = (await ctx.db.query(
  `INSERT INTO billing_source (name, kind) VALUES ('dcgm', 'prometheus') RETURNING id`,
)) as { id: number }[];
for (let h = 0; h < 10; h++) {
  for (const [host, gpu, team] of [
    ['i-0shared', 'GPU-a', 'mlteam'],
    ['i-0shared', 'GPU-b', h < 5 ? 'searchers' : null],
    ['i-0other', 'GPU-c', 'searchers'],
  ] as const) {
    await ctx.db.query(
      `INSERT INTO gpu_usage (source_id, import_run_id, hour, host, gpu_uuid, team, pod, samples,
         covered_seconds, gpu_util_avg)
       VALUES ($1, 1, $2, $3, $4, $5, $6, 60, 3600, 50)`,
      [source!.id, new Date(Date.UTC(2024, 8, 1, h)), host, gpu, team, team ? `${team}-pod` : null],
    );
  }
}
// The allocation of the period is materialized when data changes: import again with usage in.
await ctx.reimport({
  '2024-09': [
    { billed: '100', effective: '100', resourceId: 'i-0shared' },
    { billed: '40', effective: '40', resourceId: 'i-0other' },
    { billed: '10', effective: '10', resourceId: 'i-0web', tags: { team: 'searchers' } },
    { billed: '7', effective: '7', resourceId: 'i-0db', tags: { team: 'mlteam' } },
    { billed: '3', effective: '3', resourceId: 'i-0untagged' },
  ],
});
const lead = await bearer(ctx.app, 'lead', ['mlteam']);
const OTHERS = /searchers|platformers|i-0other|i-0web|i-0untagged|Unallocated/;

describe('a lead sees their own teams only', () => {
  it("allocation: their teams' lines and totals, no organisation total, no other team", async () => {
    const all = (await ctx.call<AllocationReport>('/api/allocation?period=2024-09')).body;
    const ml = all.teams.find((t) => t.team === 'mlteam')!;
    assert.ok(
      all.teams.some((t) => t.team === 'searchers'),
      'finance sees every team',
    );
    const r = await ctx.call<AllocationReport>('/api/allocation?period=2024-09', {
      headers: lead,
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.teams, [ml]);
    assert.equal(r.body.total, ml.total);
    assert.equal(r.body.source, null, "the organisation's source totals are not theirs");
    assert.doesNotMatch(JSON.stringify(r.body), OTHERS);
    assert.doesNotMatch(JSON.stringify(r.body), new RegExp(`"${all.total.replace('.', '\\.')}"`));
  });

  it("GPU efficiency: only the machines their teams used and their teams' figures", async () => {
    const all = (
      await ctx.call<GpuEfficiencyReport>('/api/gpu/efficiency?period=2024-09&groupBy=team')
    ).body;
    const ml = all.groups.find((g) => g.key === 'mlteam')!;
    assert.ok(ml, 'mlteam has GPU cost');
    const r = await ctx.call<GpuEfficiencyReport>(
      '/api/gpu/efficiency?period=2024-09&groupBy=team',
      { headers: lead },
    );
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.groups, [ml]);
    assert.equal(r.body.total.effectiveCost, ml.effectiveCost);
    assert.deepEqual(
      r.body.nodes.map((n) => n.host),
      ['i-0shared'],
    );
    assert.doesNotMatch(JSON.stringify(r.body), OTHERS);
  });

  it('nothing else they can read names another team', async () => {
    for (const route of [
      '/api/allocation/explain?period=2024-09&team=mlteam',
      '/api/unit-costs?period=2024-09',
      '/api/forecast',
      '/api/anomalies',
      '/api/costs?period=2024-09',
      '/chargeback?period=2024-09',
      '/gpu?period=2024-09',
      '/?period=2024-09',
    ]) {
      const r = await ctx.call(route, { headers: lead });
      assert.equal(r.status, 200, route);
      const text =
        r.body instanceof ArrayBuffer
          ? Buffer.from(r.body).toString('utf8')
          : JSON.stringify(r.body);
      assert.doesNotMatch(text, OTHERS, route);
    }
    const other = await ctx.call('/api/allocation/explain?period=2024-09&team=searchers', {
      headers: lead,
    });
    assert.equal(other.status, 403);
  });
});
