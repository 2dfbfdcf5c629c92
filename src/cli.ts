import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module.js';
import {
  basisSchema,
  CostBasis,
  GROUP_BY_DIMENSIONS,
  GroupBy,
  groupBySchema,
  periodSchema,
} from './billing/cost-query.js';
import { CostsService } from './billing/costs.service.js';
import {
  formatCosts,
  formatGpu,
  formatImport,
  formatPeriodRuns,
  formatUsageRuns,
} from './cli/format.js';
import { ALL_TEAMS } from './auth/team-scope.js';
import { GPU_GROUP_BY, GpuGroupBy } from './gpu/efficiency-rollup.js';
import { GpuEfficiencyService } from './gpu/gpu-efficiency.service.js';
import { createProgressPrinter } from './cli/progress.js';
import { addTokenCommands, cliPrincipal } from './cli/token-commands.js';
import { addAllocationCommands } from './cli/allocation-commands.js';
import { addReportCommands } from './cli/report-commands.js';
import { addRecommendCommands } from './cli/recommend-commands.js';
import { addInsightsCommands } from './cli/insights-commands.js';
import os from 'node:os';
import { ConfigError, loadConfig } from './config/app-config.js';
import { migrate } from './database/data-source.js';
import { FocusFileImportService } from './ingestion/focus-file/focus-file-import.service.js';
import { ImportBusyError, ImportValidationError } from './ingestion/import-errors.js';
import { ImportRunsService } from './ingestion/import-runs.service.js';
import { PeriodRunResult } from './ingestion/cloud/cloud-import.service.js';
import { UsageRunResult } from './ingestion/gpu/usage-import.service.js';
import { ImportSummary } from './ingestion/focus-file/focus-file-import.service.js';
import {
  SourceRunFailedError,
  SourceRunResult,
  SourcesService,
} from './sources/sources.service.js';
import { createLogger, PinoNestLogger } from './logging/logger.js';

/** Runs `work` inside the application (database ready, migrations applied), then shuts down. */
async function withApp<T>(work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env, 'cli');
  // The CLI reports outcomes itself; logs stay quiet unless LOG_LEVEL asks for them.
  const logger = createLogger(config.logLevel ?? 'error');
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, logger), {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

const intArg = (name: string) => (value: string) => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number`);
  return Number(value);
};
const zodArg =
  <T>(schema: {
    safeParse(v: unknown): {
      success: boolean;
      data?: T;
      error?: { issues: { message: string }[] };
    };
  }) =>
  (value: string): T => {
    const r = schema.safeParse(value);
    if (!r.success) throw new InvalidArgumentError(r.error!.issues[0]!.message);
    return r.data as T;
  };

const CLI_ACTOR = cliPrincipal(os.userInfo().username);

export function buildProgram(): Command {
  const program = new Command('finops')
    .description('finops-chargeback: cloud and GPU cost data, normalized to FOCUS')
    .showHelpAfterError('(run with --help for usage)');

  const db = program.command('db').description('database administration');
  db.command('migrate')
    .description('apply pending database migrations and exit')
    .action(async () => {
      await withApp(async (app) => {
        const applied = await migrate(app.get(DataSource));
        process.stdout.write(
          applied.length
            ? `database is up to date (applied during start-up)\n`
            : 'database is up to date\n',
        );
      });
    });

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
    .action(async (file: string, opts: { source: string; maxRejects: number; json?: boolean }) => {
      const summary = await withApp((app) =>
        app.get(FocusFileImportService).importFile({
          path: file,
          source: opts.source,
          maxRejects: opts.maxRejects,
          trigger: 'cli',
          actor: CLI_ACTOR,
          onProgress: opts.json ? undefined : createProgressPrinter(file, process.stderr),
        }),
      );
      if (opts.json) {
        const { source, periods, rejected } = summary;
        process.stdout.write(
          `${JSON.stringify({ source, file: summary.file, focusVersion: summary.focusVersion, runId: summary.runId, periods, rejected, warnings: summary.warnings })}\n`,
        );
      } else {
        process.stdout.write(`${formatImport(summary)}\n`);
      }
    });

  program
    .command('gpu')
    .description('GPU-hours, cost, utilization and idle cost of a billing period')
    .requiredOption('--period <YYYY-MM>', 'billing period', zodArg<string>(periodSchema))
    .addOption(
      new Option('--group-by <dimension>', 'team | cluster | model | namespace').choices(
        GPU_GROUP_BY,
      ),
    )
    .option('--json', 'print JSON')
    .action(async (opts: { period: string; groupBy?: GpuGroupBy; json?: boolean }) => {
      const report = await withApp((app) =>
        app.get(GpuEfficiencyService).report(opts.period, opts.groupBy ?? null, ALL_TEAMS),
      );
      process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : `${formatGpu(report)}\n`);
    });

  program
    .command('costs')
    .description('total cost of a billing period, optionally grouped')
    .option(
      '--period <YYYY-MM>',
      'billing period (default: the latest with data)',
      zodArg<string>(periodSchema),
    )
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
      async (opts: { period?: string; groupBy?: GroupBy; basis: CostBasis; json?: boolean }) => {
        const report = await withApp(async (app) => {
          const costs = app.get(CostsService);
          const period = opts.period ?? (await costs.latestPeriod());
          if (!period)
            throw new Error('no cost data has been imported yet (try: finops import-file <path>)');
          return costs.report(period, opts.groupBy ?? null, opts.basis);
        });
        process.stdout.write(
          opts.json ? `${JSON.stringify(report)}\n` : `${formatCosts(report)}\n`,
        );
      },
    );

  program
    .command('import')
    .description('run one configured source now (config/sources.yaml)')
    .argument('<source>', 'source name')
    .option(
      '--period <YYYY-MM>',
      'one billing period, where the source kind supports it',
      zodArg<string>(periodSchema),
    )
    .option('--json', 'print a machine-readable summary')
    .action(async (name: string, opts: { period?: string; json?: boolean }) => {
      let results: SourceRunResult[];
      let failure: SourceRunFailedError | undefined;
      try {
        results = await withApp((app) =>
          app
            .get(SourcesService)
            .run(name, { trigger: 'cli', actor: CLI_ACTOR, period: opts.period }),
        );
      } catch (err) {
        if (!(err instanceof SourceRunFailedError)) throw err;
        results = err.results;
        failure = err;
      }
      const usage = results.filter((r): r is UsageRunResult => 'gpuRows' in r);
      const periods = results.filter((r): r is PeriodRunResult => 'kind' in r && !('gpuRows' in r));
      const files = results.filter((r): r is ImportSummary => !('kind' in r));
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(results)}\n`
          : `${[...files.map(formatImport), formatPeriodRuns(periods), formatUsageRuns(usage)].filter(Boolean).join('\n')}\n`,
      );
      if (failure) throw failure;
    });

  program
    .command('imports')
    .description('list recent import runs')
    .option('--limit <n>', 'how many', intArg('--limit'), 20)
    .option('--json', 'print JSON')
    .action(async (opts: { limit: number; json?: boolean }) => {
      const runs = await withApp((app) => app.get(ImportRunsService).list(opts.limit));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(runs)}\n`);
        return;
      }
      for (const r of runs) {
        process.stdout.write(
          `${r.id}\t${r.startedAt}\t${r.source}\t${r.status}\t${r.rowsLoaded} rows\t${r.fileName ?? r.period ?? ''}${r.error ? `\t${r.error.split('\n')[0]}` : ''}\n`,
        );
      }
    });
  addAllocationCommands(program, withApp, CLI_ACTOR, zodArg<string>(periodSchema));
  addReportCommands(program, withApp, CLI_ACTOR, zodArg<string>(periodSchema));
  addRecommendCommands(program, withApp, CLI_ACTOR);
  addInsightsCommands(program, withApp, CLI_ACTOR);
  addTokenCommands(program, withApp, CLI_ACTOR);
  return program;
}

/** One line on stderr for the user; the problem list for invalid files. */
function report(err: unknown): string {
  if (err instanceof ImportValidationError) return err.message;
  if (err instanceof ConfigError || err instanceof ImportBusyError) return err.message;
  if (err instanceof SourceRunFailedError) return err.message;
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT' && e.path) return `${e.path}: no such file`;
  return (e.message ?? String(err)).split('\n')[0]!;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`finops: error: ${report(err)}\n`);
    process.exitCode = 1;
  });
