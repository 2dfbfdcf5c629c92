import type { INestApplicationContext } from '@nestjs/common';
import { Command, Option } from 'commander';
import { COST_BASES, CostBasisName, readAllocationFile } from '../allocation/allocation-config.js';
import { AllocationResults } from '../allocation/allocation-results.service.js';
import { allocationReport } from '../allocation/allocation-views.js';
import { AllocationService } from '../allocation/allocation.service.js';
import { metricsFromCsv } from '../allocation/business-metric-input.js';
import { BusinessMetricsService } from '../allocation/business-metrics.service.js';
import { UnitCostsService } from '../allocation/unit-costs.service.js';
import { ALL_TEAMS } from '../auth/team-scope.js';
import type { Principal } from '../auth/roles.js';
import { APP_CONFIG, AppConfig } from '../config/app-config.js';
import { formatAllocation, formatPreview, previewChanges } from './format-allocation.js';
import { table } from './format.js';

type WithApp = <T>(work: (app: INestApplicationContext) => Promise<T>) => Promise<T>;
type PeriodArg = (value: string) => string;

const print = (out: unknown): void => {
  process.stdout.write(`${typeof out === 'string' ? out : JSON.stringify(out)}\n`);
};

const basisOption = () =>
  new Option('--basis <basis>', 'effective (amortized) or billed (invoice)')
    .choices(COST_BASES)
    .default('effective');

/** allocate, close, metrics import, unit-costs. */
export function addAllocationCommands(
  program: Command,
  withApp: WithApp,
  actor: Principal,
  periodArg: PeriodArg,
): void {
  program
    .command('allocate')
    .description("a period's cost per team by the allocation rules, or a new rule set's changes")
    .requiredOption('--period <YYYY-MM>', 'billing period', periodArg)
    .addOption(basisOption())
    .option('--preview <rules.yaml>', 'compare with the rule set this file puts in force')
    .option('--json', 'print JSON')
    .action(
      async (opts: { period: string; basis: CostBasisName; preview?: string; json?: boolean }) => {
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
      },
    );

  program
    .command('close')
    .description(
      "freeze a billing period's allocation; later changes to it become adjustments in the next open period",
    )
    .requiredOption('--period <YYYY-MM>', 'billing period (must have ended)', periodArg)
    .option('--json', 'print JSON')
    .action(async (opts: { period: string; json?: boolean }) => {
      const r = await withApp((app) => app.get(AllocationResults).close(opts.period, actor));
      print(
        opts.json
          ? r
          : `closed ${r.period} with rule set ${r.ruleSetVersion}: ${r.lines} allocation lines, EffectiveCost ${r.effective}, BilledCost ${r.billed}` +
              (r.adjustments.lines
                ? `, including ${r.adjustments.lines} adjustments restating closed periods (EffectiveCost ${r.adjustments.effective})`
                : '') +
              r.reports.map((f) => `\n  ${f}`).join(''),
      );
    });

  const metrics = program.command('metrics').description('business metrics for unit costs');
  metrics
    .command('import')
    .description(
      'load a CSV of business metrics (metric, period or date, team and/or product, value, unit)',
    )
    .argument('<file>', 'CSV file')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const r = await withApp(async (app) => {
        const values = metricsFromCsv(file, file, app.get<AppConfig>(APP_CONFIG).allocation);
        return app.get(BusinessMetricsService).store(values, `file:${file}`, actor);
      });
      print(
        opts.json
          ? r
          : `stored ${r.stored} values of ${r.metrics.join(', ')} for ${r.periods.join(', ')}`,
      );
    });

  program
    .command('unit-costs')
    .description('allocated cost per business metric unit, against the previous period')
    .requiredOption('--period <YYYY-MM>', 'billing period', periodArg)
    .addOption(basisOption())
    .option('--json', 'print JSON')
    .action(async (opts: { period: string; basis: CostBasisName; json?: boolean }) => {
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
    });
}
