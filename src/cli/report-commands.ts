import type { INestApplicationContext } from '@nestjs/common';
import { Command, Option } from 'commander';
import { COST_BASES, CostBasisName } from '../allocation/allocation-config.js';
import { ALL_TEAMS } from '../auth/team-scope.js';
import type { Principal } from '../auth/roles.js';
import { ChargebackReportService } from '../reports/chargeback-report.service.js';
import {
  ExecutiveFormat,
  ExecutiveReportService,
} from '../reports/executive/executive-report.service.js';

type WithApp = <T>(work: (app: INestApplicationContext) => Promise<T>) => Promise<T>;

/** report chargeback, report executive. */
export function addReportCommands(
  program: Command,
  withApp: WithApp,
  actor: Principal,
  periodArg: (value: string) => string,
): void {
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
    .action(async (opts: { period: string; out?: string; basis: CostBasisName }) => {
      const started = Date.now();
      const { file, model } = await withApp((app) =>
        app
          .get(ChargebackReportService)
          .writeFile(
            { period: opts.period, basis: opts.basis, scope: ALL_TEAMS, generatedBy: actor.name },
            opts.out,
          ),
      );
      process.stdout.write(
        `wrote ${file}: ${model.summary.teams.length} teams, ${model.detailRows} detail rows, total ${model.summary.total} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
      );
    });
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
    .action(async (opts: { period: string; format: ExecutiveFormat; out?: string }) => {
      const { file, report } = await withApp((app) =>
        app.get(ExecutiveReportService).writeFile(opts.period, opts.format, opts.out),
      );
      process.stdout.write(
        `wrote ${file}: total ${report.headline.effective.current} ${report.currency ?? ''}, ${report.teams.length} teams, ${report.anomalies.length} anomalies\n`,
      );
    });
}
