import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { z } from 'zod';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { AllocationResults } from '../allocation/allocation-results.service.js';
import { allocationReport } from '../allocation/allocation-views.js';
import { Allow } from '../auth/access.decorators.js';
import { principalOf } from '../auth/auth.guard.js';
import { Principal, ROLES } from '../auth/roles.js';
import { scopeOf } from '../auth/team-scope.js';
import { shiftPeriod } from '../billing/billing-period.js';
import {
  ANOMALY_STATUSES,
  AnomalyNotFoundError,
  AnomalyView,
  InsightsService,
} from '../insights/insights.service.js';
import { RecommendationsService } from '../recommendations/recommendations.service.js';
import { trendChart } from '../reports/executive/charts.js';
import { change, movers } from '../reports/executive/executive-model.js';
import { ExecutiveReportService } from '../reports/executive/executive-report.service.js';
import { escapeHtml as e, moneyText, percentText, signedMoney } from './html.js';
import { layout } from './layout.js';
import { choosePeriod, periodPicker, periodsWithData, table } from './widgets.js';

const tile = (label: string, value: string, detail = '') =>
  `<div class="tile"><div class="label">${e(label)}</div><div class="value">${value}</div><div class="detail">${detail}</div></div>`;
const decision = z
  .object({
    id: z.coerce.number().int().positive(),
    status: z.enum(ANOMALY_STATUSES),
    note: z.string().max(2000).optional(),
    period: z
      .string()
      .regex(/^\d{4}-\d{2}$/)
      .optional(),
  })
  .strict();

/** The month's anomalies; admins, finance and leads review each with a status and a note. */
function anomalyTable(
  anomalies: AnomalyView[],
  who: Pick<Principal, 'role'>,
  period: string,
): string {
  const canDecide = ['admin', 'finance', 'lead'].includes(who.role);
  return table(
    'Anomalies this month',
    ['Scope', 'Days', 'Impact', 'Status'],
    anomalies.map((a) => [
      e(`${a.scopeKind} ${a.scope}`),
      a.startDay === a.endDay ? a.startDay : `${a.startDay} to ${a.endDay}`,
      moneyText(a.impact),
      canDecide
        ? `<form method="post" action="/anomalies/${a.id}"><input type="hidden" name="period" value="${e(period)}">
<label for="status-${a.id}">Status</label><select id="status-${a.id}" name="status">${ANOMALY_STATUSES.map((s) => `<option${s === a.status ? ' selected' : ''}>${s}</option>`).join('')}</select>
<label for="note-${a.id}">Note</label><input id="note-${a.id}" name="note" value="${e(a.statusNote ?? '')}"><button type="submit">Save</button></form>`
        : e(a.status),
    ]),
    [2],
    'No anomalies this month.',
  );
}

/**
 * Overview: the month's spend against the previous month and the forecast, the trend, what
 * moved, and how fresh each source is. A lead sees their teams' allocated cost, open savings and
 * anomalies instead.
 */
@ApiExcludeController()
@Controller()
export class OverviewPage {
  constructor(
    private readonly dataSource: DataSource,
    private readonly executive: ExecutiveReportService,
    private readonly results: AllocationResults,
    private readonly recommendations: RecommendationsService,
    private readonly insights: InsightsService,
  ) {}

  @Get()
  @Allow(...ROLES)
  async overview(@Query('period') asked: unknown, @Req() req: Request, @Res() res: Response) {
    const who = principalOf(req);
    const periods = await periodsWithData(this.dataSource);
    const period = choosePeriod(asked, periods);
    let body: string;
    if (!period) body = '<p>No cost data has been imported yet.</p>';
    else if (who.role === 'service') body = '<p>Service tokens run imports; see Imports.</p>';
    else if (who.role === 'lead') body = await this.leadView(period, who.teams);
    else body = await this.organisationView(period, who);
    res
      .type('html')
      .send(
        layout(
          'Overview',
          who,
          '/',
          `<h1>Overview${period ? `, ${e(period)}` : ''}</h1>${period ? periodPicker('/', periods, period) : ''}${body}`,
        ),
      );
  }

  /** A review decision on an anomaly from the overview; back to the same period. */
  @Post('anomalies/:id')
  @Allow('admin', 'finance', 'lead')
  async decideAnomaly(
    @Param('id') id: string,
    @Body() body: Record<string, string>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const who = principalOf(req);
    const parsed = decision.safeParse({ ...body, id });
    if (!parsed.success) {
      res
        .status(400)
        .type('html')
        .send(
          layout(
            'Bad request',
            who,
            '/',
            `<h1>Bad request</h1><p class="error" role="alert">${e(parsed.error.issues[0]!.message)}</p>`,
          ),
        );
      return;
    }
    const { status, note, period } = parsed.data;
    try {
      await this.insights.decide(
        parsed.data.id,
        { status, note: note || undefined },
        who,
        scopeOf(who),
      );
    } catch (err) {
      if (!(err instanceof AnomalyNotFoundError)) throw err;
      res
        .status(404)
        .type('html')
        .send(layout('Not found', who, '/', '<h1>Not found</h1><p>No such anomaly.</p>'));
      return;
    }
    res.redirect(303, `/?period=${period ?? ''}`);
  }

  private async organisationView(period: string, who: Principal): Promise<string> {
    const r = await this.executive.build(period);
    const h = r.headline;
    const moverRows = (ms: typeof r.movers.teams) =>
      ms.map((m) => [e(m.key), moneyText(m.current), signedMoney(m.delta), percentText(m.percent)]);
    return `<div class="tiles">${tile('Spend (effective)', moneyText(h.effective.current, r.currency), `${percentText(h.effective.percent)} vs last month`)}
${tile('Billed', moneyText(h.billed, r.currency), 'the invoices')}
${tile('Against forecast', h.forecast ? percentText(h.vsForecastPercent) : 'n/a', h.forecast ? `forecast ${moneyText(h.forecast)}` : 'not enough history')}
${tile('Savings open', moneyText(h.openSavings), `a month; ${moneyText(h.realizedSavings)} realized`)}
${tile('Anomalies', String(h.anomalies), 'this month')}</div>
<figure aria-label="Twelve-month trend">${trendChart(r)}</figure>
${table('Teams that moved most', ['Team', 'This month', 'Change', '%'], moverRows(r.movers.teams), [1, 2, 3])}
${table('Services that moved most', ['Service', 'This month', 'Change', '%'], moverRows(r.movers.services), [1, 2, 3])}
${anomalyTable(r.anomalies, who, period)}
${table(
  'Data freshness',
  ['Source', 'Kind', 'Data through', 'Imported'],
  r.freshness.map((f) => [
    e(f.source),
    e(f.kind),
    e(f.dataThrough.slice(0, 10)),
    e(f.importedAt?.slice(0, 16).replace('T', ' ') ?? ''),
  ]),
)}`;
  }

  private async leadView(period: string, teams: readonly string[]): Promise<string> {
    const scope = { kind: 'teams' as const, teams };
    const now = allocationReport(await this.results.get(period), 'effective', scope);
    const before = await this.results
      .get(shiftPeriod(period, -1))
      .then((a) => allocationReport(a, 'effective', scope))
      .catch(() => null);
    const byTeam = (r: typeof now | null) =>
      new Map((r?.teams ?? []).map((t) => [t.team, t.total]));
    const total = change(now.total, before?.total ?? '0');
    const open = await this.recommendations.list({ status: 'open', limit: 5 }, scope);
    const anomalies = (await this.insights.list({ limit: 50 }, scope)).filter((a) =>
      a.startDay.startsWith(period),
    );
    return `<div class="tiles">${tile('Your teams (allocated)', moneyText(total.current), `${percentText(total.percent)} vs last month`)}
${tile('Savings open', moneyText(open.monthlySavings), `${open.total} recommendation(s)`)}
${tile('Anomalies', String(anomalies.length), 'this month')}</div>
${anomalyTable(anomalies, { role: 'lead' }, period)}
${table(
  'Your teams',
  ['Team', 'This month', 'Change'],
  movers(byTeam(now), byTeam(before)).map((m) => [
    e(m.key),
    moneyText(m.current),
    moneyText(m.delta),
  ]),
  [1, 2],
)}
${table(
  'Top open recommendations',
  ['What to do', 'Saving / month'],
  open.items.map((r) => [
    `<a href="/recommendations/${r.id}">${e(r.title)}</a>`,
    moneyText(r.monthlySavings),
  ]),
  [1],
)}`;
  }
}
