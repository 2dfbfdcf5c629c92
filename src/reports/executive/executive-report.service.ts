import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { APP_CONFIG, AppConfig } from '../../config/app-config.js';
import { executiveHtml } from './executive-html.js';
import { writeExecutivePdf } from './executive-pdf.js';
import { DataSource } from 'typeorm';
import { AllocationResults } from '../../allocation/allocation-results.service.js';
import { AllocationSnapshots } from '../../allocation/allocation-snapshots.js';
import { allocationReport } from '../../allocation/allocation-views.js';
import { NoRuleSetError } from '../../allocation/allocation.service.js';
import { UnitCostsService } from '../../allocation/unit-costs.service.js';
import { ALL_TEAMS } from '../../auth/team-scope.js';
import { shiftPeriod } from '../../billing/billing-period.js';
import type { GroupBy } from '../../billing/cost-query.js';
import { CostsService } from '../../billing/costs.service.js';
import { D } from '../../gpu/gpu-cost-split.js';
import { GpuEfficiencyService } from '../../gpu/gpu-efficiency.service.js';
import { InsightsService } from '../../insights/insights.service.js';
import { RecommendationsService } from '../../recommendations/recommendations.service.js';
import { cents } from '../../billing/money.js';
import { change, ExecutiveReport, movers } from './executive-model.js';
import { varianceSplit } from './variance.js';

export type ExecutiveFormat = 'html' | 'pdf';

/** Gathers the monthly executive report of a period from the services that own each figure. */
@Injectable()
export class ExecutiveReportService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly costs: CostsService,
    private readonly results: AllocationResults,
    private readonly snapshots: AllocationSnapshots,
    private readonly unitCosts: UnitCostsService,
    private readonly gpu: GpuEfficiencyService,
    private readonly insights: InsightsService,
    private readonly recommendations: RecommendationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** At month close the HTML and PDF reports are written to reports/<period>/. */
  onModuleInit(): void {
    this.results.onClose(async (period) => {
      const out: string[] = [];
      for (const format of ['html', 'pdf'] as const) {
        try {
          out.push((await this.writeFile(period, format)).file);
        } catch (err) {
          out.push(`executive report (${format}) not written: ${(err as Error).message}`);
        }
      }
      return out;
    });
  }

  defaultFile(period: string, format: ExecutiveFormat): string {
    return path.join(this.config.reportsDir, period, `executive-${period}.${format}`);
  }

  /** Writes the report (atomically: a .partial file renamed when complete). */
  async writeFile(
    period: string,
    format: ExecutiveFormat,
    file = this.defaultFile(period, format),
  ): Promise<{ file: string; report: ExecutiveReport }> {
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    const partial = `${file}.partial`;
    try {
      const report = await this.build(period);
      if (format === 'html') await writeFile(partial, executiveHtml(report));
      else await writeExecutivePdf(report, createWriteStream(partial));
      await rename(partial, file);
      return { file, report };
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
  }

  async build(period: string, now = new Date()): Promise<ExecutiveReport> {
    const previous = shiftPeriod(period, -1);
    const effectiveTotal = async (p: string) =>
      (await this.costs.report(p, null, 'effective')).totals[0]?.cost ?? '0';
    const byKey = async (p: string, groupBy: GroupBy) =>
      new Map(
        (await this.costs.report(p, groupBy, 'effective')).groups.map((g) => [
          g.key ?? '(none)',
          g.cost,
        ]),
      );
    // Twelve months of effective cost; the last two are the headline's comparison.
    const monthly = new Map<string, string>();
    for (let k = 11; k >= 0; k--) {
      const month = shiftPeriod(period, -k);
      monthly.set(month, await effectiveTotal(month));
    }
    const effective = change(monthly.get(period)!, monthly.get(previous)!);
    const trend = [...monthly].map(([month, v]) => ({ month, effective: cents(v) }));
    const teamsNow = await this.teamTotals(period);
    const teamsBefore = await this.teamTotals(previous);
    const teamMovers = movers(
      new Map([...teamsNow].map(([t, v]) => [t, v.total])),
      new Map([...teamsBefore].map(([t, v]) => [t, v.total])),
    );
    const unit = (map: Map<string, { total: string; businessUnit: string | null }>) => {
      const out = new Map<string, string>();
      for (const v of map.values()) {
        const bu = v.businessUnit ?? '(no business unit)';
        out.set(bu, new D(out.get(bu) ?? 0).plus(v.total).toString());
      }
      return out;
    };
    const gpu = (await this.gpu.report(period, null, ALL_TEAMS)).total;
    const hasGpu = new D(gpu.gpuHours).gt(0);
    const open = await this.recommendations.list({ status: 'open', limit: 5 }, ALL_TEAMS);
    const realized = (await this.dataSource.query(
      `SELECT count(*)::int AS n, coalesce(sum(realized_monthly_savings), 0)::text AS savings
         FROM recommendation WHERE status = 'verified'`,
    )) as { n: number; savings: string }[];
    const anomalies = (await this.insights.list({ limit: 1000 }, ALL_TEAMS)).filter((a) =>
      a.startDay.startsWith(period),
    );
    const forecast = await this.insights.monthForecast(period);
    const [billed] = (await this.costs.report(period, null, 'billed')).totals;
    return {
      period,
      generatedAt: now.toISOString(),
      currency: billed?.currency ?? null,
      headline: {
        effective,
        billed: cents(billed?.cost ?? '0'),
        forecast,
        vsForecastPercent:
          forecast && new D(forecast).gt(0)
            ? new D(effective.current)
                .minus(forecast)
                .div(forecast)
                .times(100)
                .toDecimalPlaces(1)
                .toFixed(1)
            : null,
        gpuSpend: hasGpu ? cents(gpu.effectiveCost) : null,
        gpuIdle: hasGpu ? cents(gpu.idleCost) : null,
        openSavings: cents(open.monthlySavings),
        realizedSavings: cents(realized[0]!.savings),
        anomalies: anomalies.length,
      },
      trend,
      businessUnits: movers(unit(teamsNow), unit(teamsBefore)),
      teams: teamMovers.map((m) => ({
        ...m,
        businessUnit: (teamsNow.get(m.key) ?? teamsBefore.get(m.key))?.businessUnit ?? null,
      })),
      movers: {
        teams: teamMovers.slice(0, 5),
        services: movers(await byKey(period, 'service'), await byKey(previous, 'service'), 5),
        providers: movers(await byKey(period, 'provider'), await byKey(previous, 'provider'), 5),
      },
      variance: await varianceSplit(this.dataSource, period, previous),
      unitCosts: await this.unitCosts.forPeriod(period, 'effective', ALL_TEAMS).catch((err) => {
        if (err instanceof NoRuleSetError) return [];
        throw err;
      }),
      gpu: hasGpu
        ? {
            spend: cents(gpu.effectiveCost),
            used: cents(gpu.usedCost),
            idle: cents(gpu.idleCost),
            gpuHours: gpu.gpuHours,
            utilization: gpu.avgUtilization,
          }
        : null,
      recommendations: {
        open: {
          count: open.total,
          monthlySavings: cents(open.monthlySavings),
          top: open.items.map((r) => ({
            title: r.title,
            team: r.team,
            saving: r.monthlySavings === null ? null : cents(r.monthlySavings),
            kind: r.kind,
          })),
        },
        realized: { count: realized[0]!.n, monthlySavings: cents(realized[0]!.savings) },
      },
      anomalies,
      freshness: await this.snapshots.freshness(period),
    };
  }

  /** Each team's allocated total (effective) and business unit; empty without a rule set. */
  private async teamTotals(
    period: string,
  ): Promise<Map<string, { total: string; businessUnit: string | null }>> {
    try {
      const r = allocationReport(await this.results.get(period), 'effective', ALL_TEAMS);
      return new Map(
        r.teams.map((t) => [t.team, { total: t.total, businessUnit: t.businessUnit }]),
      );
    } catch (err) {
      if (err instanceof NoRuleSetError) return new Map();
      throw err;
    }
  }
}
