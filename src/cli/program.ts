import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { addAllocationCommands } from './allocation-commands.js';
import { addCostCommands } from './cost-commands.js';
import { addImportCommands } from './import-commands.js';
import { addInsightsCommands } from './insights-commands.js';
import { addRecommendCommands } from './recommend-commands.js';
import { addReportCommands } from './report-commands.js';
import { addTokenCommands } from './token-commands.js';

/**
 * `finops`. Commands are registered cheaply; each action imports its module (and through it
 * NestJS, TypeORM and the SDKs) only when it runs, so `--help` and `--version` start fast.
 */
const { version } = JSON.parse(
  readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
) as { version: string };

export function buildProgram(): Command {
  const program = new Command('finops')
    .description('finops-chargeback: cloud and GPU cost data, normalized to FOCUS')
    .version(version)
    .showHelpAfterError('(run with --help for usage)');
  addImportCommands(program);
  addCostCommands(program);
  addAllocationCommands(program);
  addReportCommands(program);
  addRecommendCommands(program);
  addInsightsCommands(program);
  addTokenCommands(program);
  return program;
}
