import { ALL_TEAMS } from '../auth/team-scope.js';
import type { CostBasis, GroupBy } from '../billing/cost-query.js';
import { CostsService } from '../billing/costs.service.js';
import type { GpuGroupBy } from '../gpu/efficiency-rollup.js';
import { GpuEfficiencyService } from '../gpu/gpu-efficiency.service.js';
import { formatCosts, formatGpu } from './format.js';
import { withApp } from './with-app.js';

export async function gpuReport(opts: {
  period: string;
  groupBy?: GpuGroupBy;
  json?: boolean;
}): Promise<void> {
  const report = await withApp((app) =>
    app.get(GpuEfficiencyService).report(opts.period, opts.groupBy ?? null, ALL_TEAMS),
  );
  process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : `${formatGpu(report)}\n`);
}

export async function costReport(opts: {
  period?: string;
  groupBy?: GroupBy;
  basis: CostBasis;
  json?: boolean;
}): Promise<void> {
  const report = await withApp(async (app) => {
    const costs = app.get(CostsService);
    const period = opts.period ?? (await costs.latestPeriod());
    if (!period)
      throw new Error('no cost data has been imported yet (try: finops import-file <path>)');
    return costs.report(period, opts.groupBy ?? null, opts.basis);
  });
  process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : `${formatCosts(report)}\n`);
}
