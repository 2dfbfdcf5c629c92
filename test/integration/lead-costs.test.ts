import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AllocationReport } from '../../src/allocation/allocation-views.js';
import type { CostReport } from '../../src/billing/cost-query.js';
import { createAllocationApp, TEAM_TAG_RULE_SET } from '../support/allocation-app.js';
import { bearer } from '../support/tokens.js';

// ml's cost comes from its account (no tag) and a share of support; a tagged line in ml's
// account belongs to search by the first rule.
const RULES = `
organisation:
  - businessUnit: Products
    costCenters:
      - costCenter: CC-1
        teams: [search, ml]
${TEAM_TAG_RULE_SET}      - name: ml account
        when: { subAccount: '222' }
        team: ml
    pools:
      - name: support
        when: { service: AWS Support }
        method: proportional
`;

const ctx = await createAllocationApp(RULES, {
  '2024-09': [
    { billed: '90', effective: '90', tags: { team: 'search' } },
    { billed: '10', effective: '10', subAccount: '222', service: 'S3', tags: { team: 'search' } },
    { billed: '50', effective: '50', subAccount: '222' },
    { billed: '15', effective: '15', service: 'AWS Support', tags: { team: 'ml' } },
  ],
});
const costs = async (query: string, teams: string[]) =>
  ctx.call<CostReport>(`/api/costs?period=2024-09&${query}`, {
    headers: await bearer(ctx.app, 'lead', teams),
  });

describe("a lead's /api/costs", () => {
  it("is their teams' allocated cost: rule-matched and shared cost, not the team tag", async () => {
    const ml = await costs('groupBy=service', ['ml']);
    assert.equal(ml.status, 200, JSON.stringify(ml.body));
    assert.equal(ml.body.view, 'allocated');
    // 50 by the account rule + 15 x 50/150 of support; the support line's own ml tag does not count.
    assert.deepEqual(ml.body.totals, [{ currency: 'USD', cost: '55', rows: 1 }]);
    assert.deepEqual(
      ml.body.groups.map((g) => [g.key, g.cost, g.rows]),
      [
        ['Amazon Elastic Compute Cloud', '50', 1],
        ['AWS Support', '5', 0],
      ],
    );
    // search: 90 + 10 of support in account 111 (where the support line is), 10 in 222.
    const search = await costs('groupBy=sub-account', ['search']);
    assert.deepEqual(
      search.body.groups.map((g) => [g.key, g.cost]),
      [
        ['111', '100'],
        ['222', '10'],
      ],
    );
    // Together they are the allocation's total; the admin view is the imported lines as billed.
    const both = await costs('basis=billed', ['search', 'ml']);
    const allocation = (await ctx.call<AllocationReport>('/api/allocation?period=2024-09')).body;
    assert.equal(both.body.totals[0]!.cost, '165');
    assert.equal(allocation.total, '165.00');
    const admin = (await ctx.call<CostReport>('/api/costs?period=2024-09&groupBy=tag:team')).body;
    assert.equal(admin.view, 'source');
    assert.equal(admin.groups.find((g) => g.key === 'ml')!.cost, '15');
  });

  it('refuses groupings an allocation line does not carry, and is empty for a team with nothing', async () => {
    for (const groupBy of ['region', 'charge-category', 'tag:team']) {
      const res = await costs(`groupBy=${groupBy}`, ['ml']);
      assert.equal(res.status, 400);
      assert.match(
        (res.body as unknown as { message: string }).message,
        /provider, service, service-category, sub-account/,
      );
    }
    assert.deepEqual((await costs('', ['nobody'])).body.totals, []);
  });
});
