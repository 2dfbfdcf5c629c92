import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuditService } from '../../src/audit/audit.service.js';
import type { AnomalyView, ForecastReport } from '../../src/insights/insights.service.js';
import { addDays } from '../../src/insights/forecast.js';
import type { TestLine } from '../support/focus-lines.js';
import { createAllocationApp, TEAM_TAG_RULE_SET } from '../support/allocation-app.js';
import { bearer } from '../support/tokens.js';

const RULES = `
organisation:
  - businessUnit: Products
    costCenters:
      - costCenter: CC-1
        teams: [search, ml]
${TEAM_TAG_RULE_SET}`;

// July to September 2024, every day: search 100 on weekdays and 50 at weekends, ml 200 a day,
// and on 20 September ml spends 700 instead of 200.
const periods: Record<string, TestLine[]> = { '2024-07': [], '2024-08': [], '2024-09': [] };
for (let day = '2024-07-01'; day < '2024-10-01'; day = addDays(day, 1)) {
  const weekend = [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());
  const search = weekend ? '50' : '100';
  const ml = day === '2024-09-20' ? '700' : '200';
  periods[day.slice(0, 7)]!.push(
    { day, billed: search, effective: search, resourceId: 'i-search', tags: { team: 'search' } },
    {
      day,
      billed: ml,
      effective: ml,
      resourceId: 'i-ml',
      tags: { team: 'ml' },
      service: 'Amazon SageMaker',
    },
  );
}
const ctx = await createAllocationApp(RULES, periods);

describe('anomalies and forecasts from daily spend', () => {
  it('detects the day ml spent 500 more than its usual Friday, for ml, SageMaker and the organisation', async () => {
    const run = await ctx.call<{ found: number; created: number; to: string }>(
      '/api/anomalies/detect',
      { method: 'POST' },
    );
    assert.equal(run.status, 201, JSON.stringify(run.body));
    assert.equal(run.body.to, '2024-09-30');
    const all = (await ctx.call<AnomalyView[]>('/api/anomalies')).body;
    assert.deepEqual(
      all.map((a) => [a.scopeKind, a.scope, a.startDay, a.endDay, a.impact]).sort(),
      [
        ['service', 'Amazon SageMaker', '2024-09-20', '2024-09-20', '500'],
        ['team', 'ml', '2024-09-20', '2024-09-20', '500'],
        ['total', 'organisation', '2024-09-20', '2024-09-20', '500'],
      ],
    );
    const ml = all.find((a) => a.scope === 'ml')!;
    assert.equal(ml.expected, '200');
    assert.equal(ml.impactPercent, 2.5);
    assert.equal(ml.status, 'open');
  });

  it('shows a lead their teams only, and records decisions', async () => {
    const searchLead = await bearer(ctx.app, 'lead', ['search']);
    assert.deepEqual(
      (await ctx.call<AnomalyView[]>('/api/anomalies', { headers: searchLead })).body,
      [],
    );
    const mlLead = await bearer(ctx.app, 'lead', ['ml']);
    const [mine] = (await ctx.call<AnomalyView[]>('/api/anomalies', { headers: mlLead })).body;
    assert.equal(mine!.scope, 'ml');
    assert.equal(
      (
        await ctx.call(`/api/anomalies/${mine!.id}`, {
          method: 'PATCH',
          headers: searchLead,
          body: { status: 'expected' },
        })
      ).status,
      404,
    );
    const decided = await ctx.call<AnomalyView>(`/api/anomalies/${mine!.id}`, {
      method: 'PATCH',
      headers: mlLead,
      body: { status: 'expected', note: 'quarterly retraining' },
    });
    assert.equal(decided.body.status, 'expected');
    const [event] = await ctx.app.get(AuditService).list({ action: 'anomaly.decided', limit: 1 });
    assert.deepEqual(event!.after, { status: 'expected', note: 'quarterly retraining' });
    // Detection again: the same anomaly, its status kept.
    const again = await ctx.call<{ created: number; updated: number }>('/api/anomalies/detect', {
      method: 'POST',
    });
    assert.deepEqual([again.body.created, again.body.updated], [0, 3]);
    const kept = (await ctx.call<AnomalyView[]>('/api/anomalies?team=ml')).body[0]!;
    assert.equal(kept.status, 'expected');
  });

  it('lets a lead review their anomaly from the overview page', async () => {
    const lead = await bearer(ctx.app, 'lead', ['ml']);
    const page = await (await fetch(`${ctx.base}/?period=2024-09`, { headers: lead })).text();
    const id = /<form method="post" action="\/anomalies\/(\d+)">/.exec(page)?.[1];
    assert.ok(id, 'the anomaly has a review form');
    assert.match(page, new RegExp(`<label for="status-${id}">Status</label>`));
    const res = await fetch(`${ctx.base}/anomalies/${id}`, {
      method: 'POST',
      headers: { ...lead, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ status: 'resolved', note: 'job capped', period: '2024-09' }),
      redirect: 'manual',
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/?period=2024-09');
    const after = (await ctx.call<AnomalyView[]>('/api/anomalies?team=ml')).body[0]!;
    assert.deepEqual([after.status, after.statusNote], ['resolved', 'job capped']);
    const other = await bearer(ctx.app, 'lead', ['search']);
    const denied = await fetch(`${ctx.base}/anomalies/${id}`, {
      method: 'POST',
      headers: { ...other, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ status: 'open' }),
      redirect: 'manual',
    });
    assert.equal(denied.status, 404);
  });

  it('forecasts October per team with the weekday pattern', async () => {
    const f = (await ctx.call<ForecastReport>('/api/forecast')).body;
    assert.equal(f.asOf, '2024-09-30');
    assert.equal(f.month, '2024-10');
    const search = f.teams.find((t) => t.scope === 'search')!;
    assert.equal(search.monthToDate, '0.00');
    // October 2024: 23 weekdays x 100 + 8 weekend days x 50 = 2,700.
    assert.ok(Math.abs(Number(search.monthEnd) - 2700) < 2700 * 0.01, search.monthEnd);
    assert.deepEqual(
      search.next.map((n) => n.month),
      ['2024-11', '2024-12', '2025-01'],
    );
    const ml = f.teams.find((t) => t.scope === 'ml')!;
    assert.ok(Math.abs(Number(ml.monthEnd) - 6200) < 6200 * 0.02, ml.monthEnd);
    assert.ok(f.total && Math.abs(Number(f.total.monthEnd) - 8900) < 8900 * 0.02);
    const lead = await bearer(ctx.app, 'lead', ['search']);
    const scoped = (await ctx.call<ForecastReport>('/api/forecast', { headers: lead })).body;
    assert.deepEqual(
      scoped.teams.map((t) => t.scope),
      ['search'],
    );
    assert.equal(scoped.total, null);
  });
});
