import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CloseResult } from '../../src/allocation/allocation-results.service.js';
import type { ClosedPeriod } from '../../src/allocation/allocation-snapshots.js';
import type {
  AllocationExplanation,
  AllocationReport,
} from '../../src/allocation/allocation-views.js';
import type { TestLine } from '../support/focus-lines.js';
import { createAllocationApp, TEAM_TAG_RULE_SET } from '../support/allocation-app.js';
import { bearer } from '../support/tokens.js';

const RULES = `
organisation:
  - businessUnit: Products
    costCenters:
      - costCenter: CC-1
        teams: [search, ml]
${TEAM_TAG_RULE_SET}    pools:
      - name: support
        when: { service: AWS Support }
        method: proportional
`;

const september = (search: string): TestLine[] => [
  { billed: search, effective: search, tags: { team: 'search' } },
  { billed: '50', effective: '50', tags: { team: 'ml' } },
  { billed: '15', effective: '15', service: 'AWS Support' },
];
const october: TestLine[] = [
  { billed: '200', effective: '200', tags: { team: 'search' } },
  { billed: '100', effective: '100', tags: { team: 'ml' } },
];

const ctx = await createAllocationApp(RULES, { '2024-09': september('100'), '2024-10': october });
const finance = await bearer(ctx.app, 'finance');
const report = async (period: string) =>
  (await ctx.call<AllocationReport>(`/api/allocation?period=${period}`)).body;
const teams = (r: AllocationReport) =>
  r.teams.map((t) => [t.team, t.direct, t.shared, t.adjustments, t.total]);

describe('period close', () => {
  it('freezes a closed period; restatements become adjustments in the next open period, exactly once', async () => {
    const lead = await bearer(ctx.app, 'lead', ['search']);
    assert.equal(
      (await ctx.call('/api/periods/2024-09/close', { method: 'POST', headers: lead })).status,
      403,
    );
    const closed = await ctx.call<CloseResult>('/api/periods/2024-09/close', {
      method: 'POST',
      headers: finance,
    });
    assert.equal(closed.status, 201, JSON.stringify(closed.body));
    assert.equal(closed.body.effective, '165');
    assert.equal(closed.body.closedBy, 'test-finance');
    const frozen = await report('2024-09');
    assert.deepEqual(teams(frozen), [
      ['search', '100.00', '10.00', '0.00', '110.00'],
      ['ml', '50.00', '5.00', '0.00', '55.00'],
    ]);
    assert.equal(frozen.closed?.by, 'test-finance');

    // The provider restates September: search 100 -> 130, which also moves the support split.
    await ctx.reimport({ '2024-09': september('130'), '2024-10': october });
    assert.deepEqual(
      teams(await report('2024-09')),
      teams(frozen),
      'a closed period never changes',
    );
    const oct = await report('2024-10');
    assert.equal(oct.source!.effective, '300');
    assert.equal(oct.adjustments.effective, '30');
    assert.equal(oct.total, '330.00');
    // search: +30 direct, support 15 x 130/180 - 10 = +0.8333; ml: -0.8333
    assert.deepEqual(teams(oct), [
      ['search', '200.00', '0.00', '30.83', '230.83'],
      ['ml', '100.00', '0.00', '-0.83', '99.17'],
    ]);
    const why = (
      await ctx.call<AllocationExplanation>('/api/allocation/explain?period=2024-10&team=search')
    ).body;
    assert.deepEqual(
      why.direct.filter((d) => d.restates).map((d) => [d.rule, d.restates, d.effective]),
      [
        ['team tag', '2024-09', '30'],
        ['support', '2024-09', '0.833333333334'],
      ],
    );

    const oct2 = await ctx.call<CloseResult>('/api/periods/2024-10/close', { method: 'POST' });
    assert.equal(oct2.status, 201);
    assert.deepEqual(oct2.body.adjustments, { effective: '30', billed: '30', lines: 3 });
    assert.equal(oct2.body.effective, '330');

    // September moves again by 1: only the new difference reaches November, not the 30 booked in October.
    await ctx.reimport({ '2024-09': september('131'), '2024-10': october });
    const nov = await report('2024-11');
    assert.equal(nov.source!.lines, 0);
    assert.equal(nov.adjustments.effective, '1');
    assert.equal(nov.total, '1.00');
    assert.deepEqual(teams(await report('2024-10')), teams(oct), 'October stays as closed');
  });

  it('refuses to close twice, a period that has not ended, or one with nothing in it', async () => {
    const again = await ctx.call('/api/periods/2024-09/close', { method: 'POST' });
    assert.equal(again.status, 409);
    assert.match(
      String(again.body['message']),
      /already closed; later changes appear as adjustments/,
    );
    const current = new Date().toISOString().slice(0, 7);
    const open = await ctx.call(`/api/periods/${current}/close`, { method: 'POST' });
    assert.equal(open.status, 409);
    assert.equal(open.body['error'], 'not_ended');
    const empty = await ctx.call('/api/periods/2024-12/close', { method: 'POST' });
    assert.equal(empty.status, 404);
    assert.equal(empty.body['error'], 'no_data');
    const list = await ctx.call<ClosedPeriod[]>('/api/periods');
    assert.deepEqual(
      list.body.map((p) => [
        p.period,
        p.ruleSetVersion,
        p.source.effective,
        p.freshness[0]?.source,
      ]),
      [
        ['2024-09', 'v1', '165', 'bill'],
        ['2024-10', 'v1', '300', 'bill'],
      ],
    );
    const audits = (await ctx.db.query(
      `SELECT target FROM audit_event WHERE action = 'period.closed' ORDER BY id`,
    )) as { target: string }[];
    assert.deepEqual(
      audits.map((a) => a.target),
      ['2024-09', '2024-10'],
    );
  });
});
