import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { AllocationResults } from '../allocation/allocation-results.service.js';
import { allocationReport } from '../allocation/allocation-views.js';
import { NoRuleSetError } from '../allocation/allocation.service.js';
import { Allow } from '../auth/access.decorators.js';
import { principalOf } from '../auth/auth.guard.js';
import { scopeOf } from '../auth/team-scope.js';
import { GpuEfficiencyService } from '../gpu/gpu-efficiency.service.js';
import { escapeHtml as e, moneyText } from './html.js';
import { layout } from './layout.js';
import { choosePeriod, periodPicker, periodsWithData, table } from './widgets.js';

/** Chargeback (per team, with the workbook) and GPU efficiency, for a chosen period. */
@ApiExcludeController()
@Controller()
export class ChargebackPages {
  constructor(
    private readonly dataSource: DataSource,
    private readonly results: AllocationResults,
    private readonly gpu: GpuEfficiencyService,
  ) {}

  @Get('chargeback')
  @Allow('admin', 'finance', 'executive', 'lead')
  async chargeback(@Query('period') asked: unknown, @Req() req: Request, @Res() res: Response) {
    const who = principalOf(req);
    const periods = await periodsWithData(this.dataSource);
    const period = choosePeriod(asked, periods);
    let body = '<p>No cost data has been imported yet.</p>';
    if (period) {
      try {
        const r = allocationReport(await this.results.get(period), 'effective', scopeOf(who));
        body = `${periodPicker('/chargeback', periods, period)}
<p>${r.closed ? `Closed ${e(r.closed.at.slice(0, 10))} by ${e(r.closed.by)}: figures are frozen.` : 'Open period: figures follow the latest imports.'} Rule set ${e(r.ruleSet.version)}.</p>
<p><a href="/api/reports/chargeback/${period}.xlsx" download>Download the chargeback workbook (${period}.xlsx)</a></p>
${table(
  'Allocated cost per team (effective)',
  ['Team', 'Cost center', 'Business unit', 'Direct', 'Shared', 'Adjustments', 'Total'],
  r.teams.map((t) => [
    e(t.team),
    e(t.costCenter ?? ''),
    e(t.businessUnit ?? ''),
    moneyText(t.direct),
    moneyText(t.shared),
    moneyText(t.adjustments),
    moneyText(t.total),
  ]),
  [3, 4, 5, 6],
)}<p>Total <strong id="total">${moneyText(r.total)}</strong>.</p>`;
      } catch (err) {
        if (!(err instanceof NoRuleSetError)) throw err;
        body = `<p class="error" role="alert">${e(err.message)}</p>`;
      }
    }
    res.type('html').send(layout('Chargeback', who, '/chargeback', `<h1>Chargeback</h1>${body}`));
  }

  @Get('gpu')
  @Allow('admin', 'finance', 'executive', 'lead')
  async gpuPage(@Query('period') asked: unknown, @Req() req: Request, @Res() res: Response) {
    const who = principalOf(req);
    const periods = await periodsWithData(this.dataSource);
    const period = choosePeriod(asked, periods);
    let body = '<p>No cost data has been imported yet.</p>';
    if (period) {
      const r = await this.gpu.report(period, 'team', scopeOf(who));
      const row = (g: typeof r.total) => [
        e(g.key ?? 'total'),
        e(g.gpuHours),
        g.avgUtilization === null ? '' : `${g.avgUtilization} %`,
        moneyText(g.effectiveCost),
        moneyText(g.usedCost),
        moneyText(g.idleCost),
        moneyText(g.costPerUsedGpuHour),
      ];
      body = `${periodPicker('/gpu', periods, period)}${table(
        'GPU cost and efficiency per team',
        ['Team', 'GPU-hours', 'Utilization', 'Cost', 'Used', 'Idle', 'Per used GPU-hour'],
        [...r.groups.map(row), ...(r.groups.length ? [row(r.total)] : [])],
        [1, 2, 3, 4, 5, 6],
        'No GPU usage measured in this period.',
      )}`;
    }
    res.type('html').send(layout('GPU efficiency', who, '/gpu', `<h1>GPU efficiency</h1>${body}`));
  }
}
