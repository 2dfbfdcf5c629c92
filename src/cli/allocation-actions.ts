import { CostBasisName, readAllocationFile } from '../allocation/allocation-config.js';
import { AllocationResults } from '../allocation/allocation-results.service.js';
import { allocationReport } from '../allocation/allocation-views.js';
import { AllocationService } from '../allocation/allocation.service.js';
import { metricsFromCsv } from '../allocation/business-metric-input.js';
import { BusinessMetricsService } from '../allocation/business-metrics.service.js';
import { UnitCostsService } from '../allocation/unit-costs.service.js';
import { ALL_TEAMS } from '../auth/team-scope.js';
import { APP_CONFIG, AppConfig } from '../config/app-config.js';
import { formatAllocation, formatPreview, previewChanges } from './format-allocation.js';
import { table } from './format.js';
import { CLI_ACTOR, print, withApp } from './with-app.js';

export async function allocate(opts: {
  period: string;
  basis: CostBasisName;
  preview?: string;
  json?: boolean;
}): Promise<void> {
  // Read the new rules first: a mistake in them is reported before anything starts.
  const candidate = opts.preview ? readAllocationFile(opts.preview) : null;
  const out = await withApp(async (app) => {
    const current = allocationReport(
      await app.get(AllocationResults).get(opts.period),
      opts.basis,
      ALL_TEAMS,
    );
    if (!candidate) return opts.json ? current : formatAllocation(current);
    const next = allocationReport(
      await app.get(AllocationService).compute(opts.period, candidate),
      opts.basis,
      ALL_TEAMS,
    );
    const preview = previewChanges(current, next);
    return opts.json ? preview : formatPreview(preview);
  });
  print(out);
}

export async function closePeriod(opts: { period: string; json?: boolean }): Promise<void> {
  const r = await withApp((app) => app.get(AllocationResults).close(opts.period, CLI_ACTOR));
  print(
    opts.json
      ? r
      : `closed ${r.period} with rule set ${r.ruleSetVersion}: ${r.lines} allocation lines, EffectiveCost ${r.effective}, BilledCost ${r.billed}` +
          (r.adjustments.lines
            ? `, including ${r.adjustments.lines} adjustments restating closed periods (EffectiveCost ${r.adjustments.effective})`
            : '') +
          r.reports.map((f) => `\n  ${f}`).join(''),
  );
}

export async function importMetrics(file: string, opts: { json?: boolean }): Promise<void> {
  const r = await withApp(async (app) => {
    const values = metricsFromCsv(file, file, app.get<AppConfig>(APP_CONFIG).allocation);
    return app.get(BusinessMetricsService).store(values, `file:${file}`, CLI_ACTOR);
  });
  print(
    opts.json
      ? r
      : `stored ${r.stored} values of ${r.metrics.join(', ')} for ${r.periods.join(', ')}`,
  );
}

export async function unitCosts(opts: {
  period: string;
  basis: CostBasisName;
  json?: boolean;
}): Promise<void> {
  const rows = await withApp((app) =>
    app.get(UnitCostsService).forPeriod(opts.period, opts.basis, ALL_TEAMS),
  );
  if (opts.json) return print(rows);
  if (rows.length === 0) return print(`no business metrics for ${opts.period}`);
  print(
    table(
      ['metric', 'team', 'product', 'cost', 'value', 'unit cost', 'previous', 'change %'],
      rows.map((r) => [
        r.metric,
        r.team ?? '-',
        r.product ?? '-',
        r.cost,
        r.value,
        r.unitCost ?? '-',
        r.previous?.unitCost ?? '-',
        r.change ?? '-',
      ]),
      [3, 4, 5, 6, 7],
    ),
  );
}
