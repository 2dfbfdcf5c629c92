import { Command, Option } from 'commander';
import { COST_BASES, CostBasisName } from '../allocation/allocation-config.js';
import { periodArg } from './args.js';

const actions = () => import('./allocation-actions.js');

const basisOption = () =>
  new Option('--basis <basis>', 'effective (amortized) or billed (invoice)')
    .choices(COST_BASES)
    .default('effective');

/** allocate, close, metrics import, unit-costs. */
export function addAllocationCommands(program: Command): void {
  program
    .command('allocate')
    .description("a period's cost per team by the allocation rules, or a new rule set's changes")
    .requiredOption('--period <YYYY-MM>', 'billing period', periodArg)
    .addOption(basisOption())
    .option('--preview <rules.yaml>', 'compare with the rule set this file puts in force')
    .option('--json', 'print JSON')
    .action(
      async (opts: { period: string; basis: CostBasisName; preview?: string; json?: boolean }) =>
        (await actions()).allocate(opts),
    );

  program
    .command('close')
    .description(
      "freeze a billing period's allocation; later changes to it become adjustments in the next open period",
    )
    .requiredOption('--period <YYYY-MM>', 'billing period (must have ended)', periodArg)
    .option('--json', 'print JSON')
    .action(async (opts: { period: string; json?: boolean }) =>
      (await actions()).closePeriod(opts),
    );

  const metrics = program.command('metrics').description('business metrics for unit costs');
  metrics
    .command('import')
    .description(
      'load a CSV of business metrics (metric, period or date, team and/or product, value, unit)',
    )
    .argument('<file>', 'CSV file')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { json?: boolean }) =>
      (await actions()).importMetrics(file, opts),
    );

  program
    .command('unit-costs')
    .description('allocated cost per business metric unit, against the previous period')
    .requiredOption('--period <YYYY-MM>', 'billing period', periodArg)
    .addOption(basisOption())
    .option('--json', 'print JSON')
    .action(async (opts: { period: string; basis: CostBasisName; json?: boolean }) =>
      (await actions()).unitCosts(opts),
    );
}
