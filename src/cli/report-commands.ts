import { Command, Option } from 'commander';
import { COST_BASES, CostBasisName } from '../allocation/allocation-config.js';
import type { ExecutiveFormat } from '../reports/executive/executive-report.service.js';
import { periodArg } from './args.js';

const actions = () => import('./report-actions.js');

/** report chargeback, report executive. */
export function addReportCommands(program: Command): void {
  const report = program.command('report').description('generate reports');
  report
    .command('chargeback')
    .description('the chargeback Excel workbook of a billing period')
    .requiredOption('--period <YYYY-MM>', 'billing period', periodArg)
    .option(
      '--out <file>',
      'where to write it (default: reports/<period>/chargeback-<period>.xlsx)',
    )
    .addOption(
      new Option('--basis <basis>', 'effective (amortized) or billed (invoice)')
        .choices(COST_BASES)
        .default('effective'),
    )
    .action(async (opts: { period: string; out?: string; basis: CostBasisName }) =>
      (await actions()).chargebackReport(opts),
    );
  report
    .command('executive')
    .description('the monthly executive report of a billing period (HTML or PDF)')
    .requiredOption('--period <YYYY-MM>', 'billing period', periodArg)
    .addOption(
      new Option('--format <format>', 'html or pdf').choices(['html', 'pdf']).default('html'),
    )
    .option(
      '--out <file>',
      'where to write it (default: reports/<period>/executive-<period>.<format>)',
    )
    .action(async (opts: { period: string; format: ExecutiveFormat; out?: string }) =>
      (await actions()).executiveReport(opts),
    );
}
