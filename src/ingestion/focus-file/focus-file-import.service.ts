import { Inject, Injectable } from '@nestjs/common';
import path from 'node:path';
import type { Logger } from 'pino';
import { DataSource, QueryRunner } from 'typeorm';
import { BillingSourcesService } from '../../billing/billing-sources.service.js';
import { Principal } from '../../auth/roles.js';
import { LOGGER } from '../../logging/logger.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import { CostSliceLoader } from '../cost-slice-loader.js';
import { ImportBusyError, ImportProblem, ImportValidationError } from '../import-errors.js';
import { PeriodSummary } from '../import-run.entity.js';
import { ImportTally } from '../import-tally.js';
import { ImportRunsService, LOCK_SOURCE } from '../import-runs.service.js';
import { ImportSlots } from '../import-slots.js';
import { normalizeRow } from './focus-row.normalizer.js';
import { OpenFocusFile, openFocusFile } from './focus-file-reader.js';

export interface ImportFileOptions {
  path: string;
  source: string;
  /** Bad rows that may be skipped before the import fails (default 0: strict). */
  maxRejects?: number;
  trigger: 'cli' | 'api' | 'sample' | 'schedule';
  /** Name shown in messages and stored on the run (an upload's original name). */
  displayName?: string;
  /** Who triggered the import, for the audit trail (sample loads have none). */
  actor?: Principal;
  onProgress?: (p: { rows: number; fraction: number }) => void;
}

export interface ImportSummary {
  runId: number;
  source: string;
  file: string;
  format: string;
  focusVersion: string;
  periods: PeriodSummary[];
  rowsRead: number;
  rejected: (ImportProblem & { text: string })[];
  warnings: Record<string, number>;
}

@Injectable()
export class FocusFileImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sources: BillingSourcesService,
    private readonly runs: ImportRunsService,
    private readonly metrics: MetricsService,
    private readonly slots: ImportSlots,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /**
   * Imports a FOCUS file (CSV, CSV.gz or Parquet, FOCUS 1.0-1.4) atomically per billing period:
   * every period in the file replaces that period of the source, or nothing changes at all.
   * Runs in one of the process's import slots: an upload finding every slot and queue place taken
   * is refused (ImportsBusyError); the CLI, the scheduler and the sample wait their turn.
   */
  importFile(opts: ImportFileOptions): Promise<ImportSummary> {
    return this.slots.run(() => this.importLocked(opts), opts.trigger === 'api');
  }

  private async importLocked(opts: ImportFileOptions): Promise<ImportSummary> {
    const file = opts.displayName ?? opts.path;
    const source = await this.sources.ensure(opts.source, 'focus-file');
    await this.runs.reapInterrupted();

    const lock = this.dataSource.createQueryRunner();
    await lock.connect();
    try {
      const [{ locked }] = (await lock.query(`SELECT pg_try_advisory_lock($1, $2) AS locked`, [
        LOCK_SOURCE,
        source.id,
      ])) as [{ locked: boolean }];
      if (!locked) throw new ImportBusyError(opts.source);
      try {
        return await this.run(opts, file, source.id, lock);
      } finally {
        await lock.query(`SELECT pg_advisory_unlock($1, $2)`, [LOCK_SOURCE, source.id]);
      }
    } finally {
      await lock.release();
    }
  }

  private async run(
    opts: ImportFileOptions,
    file: string,
    sourceId: number,
    lock: QueryRunner,
  ): Promise<ImportSummary> {
    const runId = await this.runs.begin(sourceId, opts.trigger, path.basename(file), lock);
    await this.runs.recordTrigger(opts.actor, opts.source, {
      runId: Number(runId),
      file: path.basename(file),
      trigger: opts.trigger,
    });
    const started = Date.now();
    const loader = new CostSliceLoader(this.dataSource, sourceId, runId);
    const tally = new ImportTally(opts.maxRejects ?? 0);
    let format = '';
    let version = '';
    try {
      const input = await openFocusFile(opts.path, file);
      try {
        format = input.format;
        version = input.plan.version;
        await this.runs.update(runId, { format, focusVersion: version });
        await readRows(input, loader, tally, opts.onProgress);
      } finally {
        await input.close();
      }
      if (tally.overLimit) {
        const limit = tally.maxRejects ? ` (more than --max-rejects ${tally.maxRejects})` : '';
        throw new ImportValidationError(
          file,
          tally.problems,
          `${file}: ${tally.rejectedRows} invalid row(s)${limit}; nothing was imported`,
        );
      }
      opts.onProgress?.({ rows: tally.rowsRead, fraction: 1 });
      const periods = await loader.finish();
      const rowsLoaded = periods.reduce((n, p) => n + p.rows, 0);
      await loader.commit((q) =>
        this.runs.update(
          runId,
          {
            ...tally.runValues(),
            status: 'succeeded',
            finishedAt: new Date(),
            rowsLoaded: String(rowsLoaded),
            periods,
          },
          q,
        ),
      );
      this.metrics.recordImport(
        opts.source,
        'succeeded',
        (Date.now() - started) / 1000,
        rowsLoaded,
      );
      this.log.info(
        {
          event: 'import.succeeded',
          runId,
          source: opts.source,
          rows: rowsLoaded,
          rejected: tally.rejectedRows,
          ms: Date.now() - started,
        },
        'import succeeded',
      );
      return {
        runId: Number(runId),
        source: opts.source,
        file,
        format,
        focusVersion: version,
        periods,
        rowsRead: tally.rowsRead,
        rejected: tally.problems.map((p) => ({
          ...p,
          text: `${file}:${p.line}: ${p.column}: ${p.reason}`,
        })),
        warnings: tally.warnings,
      };
    } catch (err) {
      await loader
        .abort()
        .catch((abortErr: unknown) =>
          this.log.error(
            { event: 'import.abort_failed', runId, reason: (abortErr as Error).message },
            'stage cleanup failed',
          ),
        );
      const validation = err instanceof ImportValidationError ? err : undefined;
      await this.runs.fail(runId, {
        ...tally.runValues(),
        format: format || null,
        focusVersion: version || null,
        problems: validation ? [...validation.problems] : tally.problems,
        error: validation ? validation.summary : (err as Error).message,
      });
      this.metrics.recordImport(opts.source, 'failed', (Date.now() - started) / 1000, 0);
      this.log.warn(
        {
          event: 'import.failed',
          runId,
          source: opts.source,
          reason: (err as Error).message.split('\n')[0],
        },
        'import failed',
      );
      throw err;
    }
  }
}

/** Normalizes every row into the loader; stops early once the rejects can no longer pass. */
async function readRows(
  input: OpenFocusFile,
  loader: CostSliceLoader,
  tally: ImportTally,
  onProgress: ImportFileOptions['onProgress'],
): Promise<void> {
  reading: for await (const batch of input.batches) {
    for (const { line, cells } of batch) {
      const result = normalizeRow(input.plan, cells, line);
      if (result.ok) {
        tally.accepted(result.row.warnings);
        const wait = loader.add(result.row, line);
        if (wait) await wait;
      } else {
        tally.rejectedRow(line, result.problems);
        if (tally.hopeless) break reading;
      }
    }
    onProgress?.({ rows: tally.rowsRead, fraction: input.progress() });
  }
}
