import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { ruleSetFor } from '../allocation/allocation-config.js';
import { AllocationResults } from '../allocation/allocation-results.service.js';
import { Allow } from '../auth/access.decorators.js';
import { principalOf } from '../auth/auth.guard.js';
import { APP_CONFIG, AppConfig } from '../config/app-config.js';
import { ImportRunsService } from '../ingestion/import-runs.service.js';
import { SourcesService } from '../sources/sources.service.js';
import { ruleSetInWords } from '../reports/workbook/rules-in-words.js';
import { escapeHtml as e } from './html.js';
import { layout } from './layout.js';
import { periodsWithData, table } from './widgets.js';

const time = (v: string | null | undefined) => e(v?.slice(0, 16).replace('T', ' ') ?? '');

/** Reports (downloads per period), Imports (run history and errors), Settings (read-only). */
@ApiExcludeController()
@Controller()
export class AdminPages {
  constructor(
    private readonly dataSource: DataSource,
    private readonly results: AllocationResults,
    private readonly imports: ImportRunsService,
    private readonly sourcesService: SourcesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('reports')
  @Allow('admin', 'finance', 'executive')
  async reports(@Req() req: Request, @Res() res: Response) {
    const who = principalOf(req);
    const closed = new Map((await this.results.closedPeriods()).map((c) => [c.period, c]));
    const rows = (await periodsWithData(this.dataSource)).map((p) => [
      e(p),
      closed.has(p) ? `closed ${time(closed.get(p)!.closedAt)}` : 'open',
      `<a href="/api/reports/executive/${p}.html">view</a> · <a href="/api/reports/executive/${p}.pdf" download>PDF</a>`,
      `<a href="/api/reports/chargeback/${p}.xlsx" download>workbook</a>`,
    ]);
    res.type('html').send(
      layout(
        'Reports',
        who,
        '/reports',
        `<h1>Reports</h1><p>The executive report and the chargeback workbook of each month; closing a month also writes both to <code>${e(this.config.reportsDir)}/&lt;period&gt;/</code>.</p>
${table('By billing period', ['Period', 'Status', 'Executive report', 'Chargeback'], rows)}`,
      ),
    );
  }

  @Get('imports')
  @Allow('admin', 'finance', 'service')
  async importsPage(@Req() req: Request, @Res() res: Response) {
    const who = principalOf(req);
    const sources = await this.sourcesService.status();
    const runs = await this.imports.list(50);
    res.type('html').send(
      layout(
        'Imports',
        who,
        '/imports',
        `<h1>Imports</h1>${table(
          'Sources',
          ['Source', 'Kind', 'Schedule', 'Next run', 'Last run', 'Data age'],
          sources.map((s) => [
            e(s.name),
            e(s.kind),
            e(s.schedule ?? 'manual'),
            time(s.nextRun),
            s.lastRun ? `${e(s.lastRun.status)} ${time(s.lastRun.startedAt)}` : 'never',
            s.freshness ? `${s.freshness.ageHours} h` : '',
          ]),
        )}${table(
          'Recent import runs',
          ['Run', 'Source', 'Started', 'Status', 'Rows loaded', 'Rejected', 'Error or problems'],
          runs.map((r) => [
            String(r.id),
            e(r.source),
            time(r.startedAt),
            e(r.status),
            String(r.rowsLoaded),
            String(r.rowsRejected),
            e(
              r.error ??
                (r.problems ?? [])
                  .slice(0, 2)
                  .map((p) => `line ${p.line}: ${p.column}: ${p.reason}`)
                  .join('; '),
            ),
          ]),
          [0, 4, 5],
        )}`,
      ),
    );
  }

  @Get('settings')
  @Allow('admin', 'finance')
  settings(@Req() req: Request, @Res() res: Response) {
    const who = principalOf(req);
    const period = new Date().toISOString().slice(0, 7);
    const set = ruleSetFor(this.config.allocation, period);
    res.type('html').send(
      layout(
        'Settings',
        who,
        '/settings',
        `<h1>Settings</h1><p>Read-only: change <code>config/sources.yaml</code>, <code>config/allocation.yaml</code> and <code>config/recommendations.yaml</code>, then restart.</p>
${table(
  'Sources',
  ['Name', 'Kind', 'Enabled', 'Schedule'],
  this.config.sources.map((s) => [
    e(s.name),
    e(s.kind),
    s.enabled ? 'yes' : 'no',
    e(s.schedule ?? 'manual'),
  ]),
  [],
  'No source configured: the bundled sample is shown.',
)}
<h2>Allocation rules in force (${set ? e(set.version) : 'none'})</h2>
${
  set
    ? `<ol>${ruleSetInWords(set)
        .map((l) => `<li>${e(l)}</li>`)
        .join('')}</ol>`
    : '<p>No rule set is in force this month.</p>'
}
<h2>Recommendations</h2><p>Lookback ${this.config.recommendations.lookbackDays} days; price sources: ${
          this.config.recommendations.prices
            .map((p) => e(`${p.kind} (${p.regions.join(', ')})`))
            .join(', ') || 'none (bundled catalog)'
        }; daily run ${e(this.config.recommendSchedule ?? 'off')} UTC.</p>`,
      ),
    );
  }
}
