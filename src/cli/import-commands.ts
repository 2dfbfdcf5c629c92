import type { Command } from 'commander';
import { intArg, periodArg } from './args.js';

const actions = () => import('./import-actions.js');

/** db migrate, import-file, import, imports. */
export function addImportCommands(program: Command): void {
  program
    .command('db')
    .description('database administration')
    .command('migrate')
    .description('apply pending database migrations and exit')
    .action(async () => (await actions()).migrateDatabase());

  program
    .command('import-file')
    .description(
      'import a FOCUS file (.csv, .csv.gz or .parquet; FOCUS 1.0-1.4), replacing each billing period it contains',
    )
    .argument('<path>', 'file to import')
    .option('--source <name>', 'source the data belongs to', 'focus-file')
    .option(
      '--max-rejects <n>',
      'skip up to N invalid rows instead of failing',
      intArg('--max-rejects'),
      0,
    )
    .option('--json', 'print a machine-readable summary')
    .action(async (file: string, opts: { source: string; maxRejects: number; json?: boolean }) =>
      (await actions()).importFile(file, opts),
    );

  program
    .command('import')
    .description('run one configured source now (config/sources.yaml)')
    .argument('<source>', 'source name')
    .option(
      '--period <YYYY-MM>',
      'one billing period, where the source kind supports it',
      periodArg,
    )
    .option('--json', 'print a machine-readable summary')
    .action(async (name: string, opts: { period?: string; json?: boolean }) =>
      (await actions()).runSource(name, opts),
    );

  program
    .command('imports')
    .description('list recent import runs')
    .option('--limit <n>', 'how many', intArg('--limit'), 20)
    .option('--json', 'print JSON')
    .action(async (opts: { limit: number; json?: boolean }) => (await actions()).listImports(opts));
}
