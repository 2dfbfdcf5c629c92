import { DataSource } from 'typeorm';
import { migrate } from '../database/data-source.js';
import { PeriodRunResult } from '../ingestion/cloud/cloud-import.service.js';
import {
  FocusFileImportService,
  ImportSummary,
} from '../ingestion/focus-file/focus-file-import.service.js';
import { UsageRunResult } from '../ingestion/gpu/usage-import.service.js';
import { ImportRunsService } from '../ingestion/import-runs.service.js';
import {
  SourceRunFailedError,
  SourceRunResult,
  SourcesService,
} from '../sources/sources.service.js';
import { formatImport, formatPeriodRuns, formatUsageRuns } from './format.js';
import { createProgressPrinter } from './progress.js';
import { CLI_ACTOR, withApp } from './with-app.js';

export async function migrateDatabase(): Promise<void> {
  await withApp(async (app) => {
    const applied = await migrate(app.get(DataSource));
    process.stdout.write(
      applied.length
        ? `database is up to date (applied during start-up)\n`
        : 'database is up to date\n',
    );
  });
}

export async function importFile(
  file: string,
  opts: { source: string; maxRejects: number; json?: boolean },
): Promise<void> {
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
}

export async function runSource(
  name: string,
  opts: { period?: string; json?: boolean },
): Promise<void> {
  let results: SourceRunResult[];
  let failure: SourceRunFailedError | undefined;
  try {
    results = await withApp((app) =>
      app.get(SourcesService).run(name, { trigger: 'cli', actor: CLI_ACTOR, period: opts.period }),
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
}

export async function listImports(opts: { limit: number; json?: boolean }): Promise<void> {
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
}
