import { Command, Option } from 'commander';
import { basisSchema, GROUP_BY_DIMENSIONS, GroupBy, groupBySchema } from '../billing/cost-query.js';
import { GPU_GROUP_BY } from '../gpu/efficiency-rollup.js';
import type { CostBasis } from '../billing/cost-query.js';
import type { GpuGroupBy } from '../gpu/efficiency-rollup.js';
import { periodArg, zodArg } from './args.js';

const actions = () => import('./cost-actions.js');

/** costs, gpu. */
export function addCostCommands(program: Command): void {
  program
    .command('gpu')
    .description('GPU-hours, cost, utilization and idle cost of a billing period')
    .requiredOption('--period <YYYY-MM>', 'billing period', periodArg)
    .addOption(
      new Option('--group-by <dimension>', 'team | cluster | model | namespace').choices(
        GPU_GROUP_BY,
      ),
    )
    .option('--json', 'print JSON')
    .action(async (opts: { period: string; groupBy?: GpuGroupBy; json?: boolean }) =>
      (await actions()).gpuReport(opts),
    );

  program
    .command('costs')
    .description('total cost of a billing period, optionally grouped')
    .option('--period <YYYY-MM>', 'billing period (default: the latest with data)', periodArg)
    .addOption(
      new Option(
        '--group-by <dimension>',
        `${GROUP_BY_DIMENSIONS.join(' | ')} | tag:KEY`,
      ).argParser(zodArg<GroupBy>(groupBySchema)),
    )
    .addOption(
      new Option('--basis <basis>', 'effective (amortized) or billed (invoice)')
        .choices(basisSchema.options)
        .default('effective'),
    )
    .option('--json', 'print JSON')
    .action(
      async (opts: { period?: string; groupBy?: GroupBy; basis: CostBasis; json?: boolean }) =>
        (await actions()).costReport(opts),
    );
}
