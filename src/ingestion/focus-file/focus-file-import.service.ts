import { Inject, Injectable } from '@nestjs/common';
import path from 'node:path';
import type { Logger } from 'pino';
import { DataSource, QueryRunner } from 'typeorm';
import { BillingSourcesService } from '../../billing/billing-sources.service.js';
import { AuditService } from '../../audit/audit.service.js';
import { Principal } from '../../auth/roles.js';
import { LOGGER } from '../../logging/logger.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import { CostSliceLoader } from '../cost-slice-loader.js';
import { ImportBusyError, ImportProblem, ImportValidationError } from '../import-errors.js';
import { PeriodSummary, RejectedRow } from '../import-run.entity.js';
import { ImportRunsService, LOCK_SOURCE } from '../import-runs.service.js';
import { planHeader } from './focus-header.js';
import { normalizeRow } from './focus-row.normalizer.js';
import { openRowSource, sniffFormat } from './row-source.js';

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

const MAX_PROBLEMS = 20;
const MAX_KEPT_REJECTS = 1000;

@Injectable()
export class FocusFileImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sources: BillingSourcesService,
    private readonly runs: ImportRunsService,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /**
   * Imports a FOCUS file (CSV, CSV.gz or Parquet, FOCUS 1.0-1.4) atomically per billing period:
   * every period in the file replaces that period of the source, or nothing changes at all.
   */
  async importFile(opts: ImportFileOptions): Promise<ImportSummary> {
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
    if (opts.actor) {
      await this.audit.record({
        actor: opts.actor.name,
        actorRole: opts.actor.role,
        action: 'import.triggered',
        target: `source:${opts.source}`,
        after: { runId: Number(runId), file: path.basename(file), trigger: opts.trigger },
      });
    }
    const started = Date.now();
    const loader = new CostSliceLoader(this.dataSource, sourceId, runId);
    const maxRejects = opts.maxRejects ?? 0;
    const problems: ImportProblem[] = [];
    const rejected: RejectedRow[] = [];
    const warnings: Record<string, number> = {};
    let rowsRead = 0;
    let rejectedRows = 0;
    let format = '';
    let version = '';
    try {
      const sniffed = await sniffFormat(opts.path);
      if (sniffed === 'empty') {
        throw new ImportValidationError(
          file,
          [{ line: 1, column: '(file)', reason: 'file is empty' }],
          `${file}: file is empty`,
        );
      }
      format = sniffed;
      const source = await openRowSource(opts.path, sniffed);
      const first = await source.batches.next();
      const header = first.done ? undefined : first.value.shift();
      if (!header)
        throw new ImportValidationError(
          file,
          [{ line: 1, column: '(file)', reason: 'no header row' }],
          `${file}: no header row`,
        );
      const plan = planHeader(header.cells);
      if (Array.isArray(plan)) {
        throw new ImportValidationError(
          file,
          plan,
          `${file}: the header is not a usable FOCUS header`,
        );
      }
      version = plan.version;
      await this.runs.update(runId, { format, focusVersion: version });

      const pending = first.done ? [] : [first.value];
      const batches = (async function* () {
        yield* pending;
        yield* source.batches;
      })();
      reading: for await (const batch of batches) {
        for (const { line, cells } of batch) {
          rowsRead++;
          const result = normalizeRow(plan, cells, line);
          if (result.ok) {
            const wait = loader.add(result.row, line);
            if (wait) await wait;
            for (const w of result.row.warnings ?? []) warnings[w] = (warnings[w] ?? 0) + 1;
            continue;
          }
          rejectedRows++;
          if (problems.length < MAX_PROBLEMS)
            problems.push(...result.problems.slice(0, MAX_PROBLEMS - problems.length));
          if (rejected.length < MAX_KEPT_REJECTS) {
            rejected.push({
              line,
              problems: result.problems.map(({ column, reason }) => ({ column, reason })),
            });
          }
          // Strict failure is certain; stop once the report is complete.
          if (rejectedRows > maxRejects && problems.length >= MAX_PROBLEMS) break reading;
        }
        opts.onProgress?.({ rows: rowsRead, fraction: source.progress() });
      }
      await source.batches.return(undefined);
      if (rejectedRows > maxRejects) {
        throw new ImportValidationError(
          file,
          problems,
          `${file}: ${rejectedRows} invalid row(s)${maxRejects ? ` (more than --max-rejects ${maxRejects})` : ''}; nothing was imported`,
        );
      }
      opts.onProgress?.({ rows: rowsRead, fraction: 1 });
      const periods = await loader.finish();
      const rowsLoaded = periods.reduce((n, p) => n + p.rows, 0);
      await loader.commit((q) =>
        this.runs.update(
          runId,
          {
            status: 'succeeded',
            finishedAt: new Date(),
            rowsRead: String(rowsRead),
            rowsLoaded: String(rowsLoaded),
            rowsRejected: String(rejectedRows),
            periods,
            problems,
            rejected,
            warnings,
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
          rejected: rejectedRows,
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
        rowsRead,
        rejected: problems.map((p) => ({
          ...p,
          text: `${file}:${p.line}: ${p.column}: ${p.reason}`,
        })),
        warnings,
      };
    } catch (err) {
      await loader.abort();
      const validation = err instanceof ImportValidationError ? err : undefined;
      await this.runs.update(runId, {
        status: 'failed',
        finishedAt: new Date(),
        format: format || null,
        focusVersion: version || null,
        rowsRead: String(rowsRead),
        rowsRejected: String(rejectedRows),
        problems: validation ? [...validation.problems] : problems,
        rejected,
        warnings,
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
