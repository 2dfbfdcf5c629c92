import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  AllocationExplanation,
  AllocationReport,
} from '../../src/allocation/allocation-views.js';
import { createAllocationApp } from '../support/allocation-app.js';

const RULES = `
organisation:
  - businessUnit: Products
    costCenters:
      - costCenter: CC-1
        teams: [search, ml, platform]
ruleSets:
  - version: v1
    effectiveFrom: 2024-01
    rules:
      - name: GPU nodes by owner
        when: { service: Amazon Elastic Compute Cloud }
        team: { gpuOwner: true }
        idle: platform
      - name: team tag
        team: { tag: team }
`;

const LINES = {
  '2024-09': [
    { billed: '100', effective: '100', resourceId: 'i-0gpu' },
    { billed: '20', effective: '20', resourceId: 'i-0gpu' },
    { billed: '30', effective: '30', resourceId: 'i-0idle' },
    // An EC2 line of a machine without GPU usage falls through to the next rule.
    { billed: '10', effective: '10', resourceId: 'i-0web', tags: { team: 'search' } },
  ],
};
const ctx = await createAllocationApp(RULES, LINES);

/** Hourly GPU usage rows: [host, hour index, GPU, team or null]. */
async function usage(app: typeof ctx, rows: [string, number, string, string | null][]) {
  const [source] = (await app.db.query(
    `INSERT INTO billing_source (name, kind) VALUES ('dcgm', 'prometheus') RETURNING id`,
  )) as { id: number }[];
  for (const [host, h, gpu, team] of rows)
    await app.db.query(
      `INSERT INTO gpu_usage (source_id, import_run_id, hour, host, gpu_uuid, team, samples,
         covered_seconds)
       VALUES ($1, 1, $2, $3, $4, $5, 60, 3600)`,
      [source!.id, new Date(Date.UTC(2024, 8, 2, h)), host, gpu, team],
    );
}

function usageRows(): [string, number, string, string | null][] {
  const rows: [string, number, string, string | null][] = [];
  for (let h = 0; h < 10; h++) {
    rows.push(['i-0gpu', h, 'GPU-a', 'ml']);
    rows.push(['i-0gpu', h, 'GPU-b', h < 5 ? 'search' : null]);
  }
  for (let h = 0; h < 4; h++) rows.push(['i-0idle', h, 'GPU-c', null]);
  return rows;
}

describe('GPU-owner allocation rules', () => {
  it("splits a GPU machine's cost by the GPU-seconds each team held; idle capacity to the idle team", async () => {
    await usage(ctx, usageRows());

    const r = (await ctx.call<AllocationReport>('/api/allocation?period=2024-09')).body;
    // i-0gpu (120): 20 GPU-hours seen; ml held 10, search 5, nobody 5 -> 60 / 30 / 30 idle.
    // i-0idle (30): nobody held its GPU -> all idle. i-0web: team tag.
    assert.deepEqual(
      r.teams.map((t) => [t.team, t.direct, t.total]),
      [
        ['ml', '60.00', '60.00'],
        ['platform', '60.00', '60.00'],
        ['search', '40.00', '40.00'],
      ],
    );
    assert.equal(r.total, '160.00');
    assert.equal(r.source!.effective, '160');

    const why = (
      await ctx.call<AllocationExplanation>('/api/allocation/explain?period=2024-09&team=platform')
    ).body;
    assert.deepEqual(
      why.direct.map((d) => [d.rule, d.effective]),
      [
        ['GPU nodes by owner: idle GPU capacity', '30'],
        ['GPU nodes by owner: idle GPU capacity', '30'],
      ],
    );
    const search = (
      await ctx.call<AllocationExplanation>('/api/allocation/explain?period=2024-09&team=search')
    ).body;
    assert.deepEqual(
      search.direct.map((d) => [d.rule, d.effective]),
      [
        ['GPU nodes by owner', '30'],
        ['team tag', '10'],
      ],
    );
  });

  it('sends idle GPU capacity to a pool, split by its method', async () => {
    const pooled = await createAllocationApp(
      RULES.replace('idle: platform', 'idle: { pool: idle-gpu }') +
        `    pools:
      - name: idle-gpu
        method: even
        teams: [search, ml]
`,
      LINES,
    );
    await usage(pooled, usageRows());
    const r = (await pooled.call<AllocationReport>('/api/allocation?period=2024-09')).body;
    // The 60 of idle capacity is split evenly: 30 each, as shared cost.
    assert.deepEqual(
      r.teams.map((t) => [t.team, t.direct, t.shared, t.total]),
      [
        ['ml', '60.00', '30.00', '90.00'],
        ['search', '40.00', '30.00', '70.00'],
      ],
    );
    assert.equal(r.total, '160.00');
  });
});
