import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource, QueryRunner } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { Principal } from '../auth/roles.js';
import { LOGGER } from '../logging/logger.js';
import { dropStageTables } from './cost-slice-loader.js';
import { ImportRun } from './import-run.entity.js';

/** Advisory lock namespaces (first key of the two-int form). */
export const LOCK_SOURCE = 1;
export const LOCK_RUN = 2;

export interface ImportRunView {
  id: number;
  source: string;
  trigger: string;
  fileName: string | null;
  format: string | null;
  focusVersion: string | null;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  periods: ImportRun['periods'];
  problems: ImportRun['problems'];
  warnings: ImportRun['warnings'];
  error: string | null;
  /** The billing period of a cloud import run (`YYYY-MM`); null for file imports. */
  period: string | null;
  /** Provider API requests made (cloud imports). */
  requests: number | null;
}

@Injectable()
export class ImportRunsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Puts a person's or token's import in the audit trail (scheduled and sample runs have none). */
  async recordTrigger(
    actor: Principal | undefined,
    source: string,
    after: Record<string, unknown>,
  ): Promise<void> {
    if (!actor) return;
    await this.audit.record({
      actor: actor.name,
      actorRole: actor.role,
      action: 'import.triggered',
      target: `source:${source}`,
      after,
    });
  }

  async begin(
    sourceId: number,
    trigger: string,
    fileName: string | null,
    lock: QueryRunner,
  ): Promise<string> {
    const [row] = (await this.dataSource.query(
      `INSERT INTO import_run (source_id, trigger, file_name, status) VALUES ($1, $2, $3, 'running')
       RETURNING id`,
      [sourceId, trigger, fileName],
    )) as { id: string }[];
    // Held while the run lives; a running run whose lock is free belongs to a dead process.
    await lock.query(`SELECT pg_advisory_lock($1, $2::int)`, [LOCK_RUN, row!.id]);
    return row!.id;
  }

  async update(id: string, values: Partial<ImportRun>, q?: QueryRunner): Promise<void> {
    const manager = q?.manager ?? this.dataSource.manager;
    await manager.update(ImportRun, { id }, values);
  }

  /**
   * Closes a run as failed. Recording a failure must not fail in turn: NUL (which PostgreSQL text
   * and jsonb cannot hold) is stripped, text and the problem list are capped, and if the database
   * still refuses the update the run is closed with its status and a short note alone.
   */
  async fail(id: string, values: Partial<ImportRun>): Promise<void> {
    const closed = { status: 'failed' as const, finishedAt: new Date() };
    try {
      await this.update(id, { ...storableFailure(values), ...closed });
    } catch (err) {
      // The message only: the error carries the query's parameters, which hold customer rows.
      const reason = (err as Error).message;
      this.log.error({ event: 'import.record_failed', runId: id, reason }, 'failure not recorded');
      await this.update(id, { ...closed, error: 'failed; details are in the service log' }).catch(
        (again: unknown) =>
          // The run stays `running` until reapInterrupted sees its lock free.
          this.log.error(
            { event: 'import.record_failed', runId: id, reason: (again as Error).message },
            'run not closed',
          ),
      );
    }
  }

  /**
   * Marks runs left `running` by a killed process as failed and drops their stage tables. Their
   * slices were never swapped in, so the data they would have replaced is still in place.
   */
  async reapInterrupted(): Promise<number> {
    const running = (await this.dataSource.query(
      `SELECT id FROM import_run WHERE status = 'running'`,
    )) as { id: string }[];
    let reaped = 0;
    for (const { id } of running) {
      const q = this.dataSource.createQueryRunner();
      await q.connect();
      try {
        const [{ locked }] = (await q.query(`SELECT pg_try_advisory_lock($1, $2::int) AS locked`, [
          LOCK_RUN,
          id,
        ])) as [{ locked: boolean }];
        if (!locked) continue;
        await dropStageTables(this.dataSource, id);
        await this.update(id, {
          status: 'failed',
          finishedAt: new Date(),
          error:
            'interrupted: the importing process stopped before it finished; previous data kept',
        });
        await q.query(`SELECT pg_advisory_unlock($1, $2::int)`, [LOCK_RUN, id]);
        this.log.warn(
          { event: 'import.reaped', runId: id },
          'interrupted import run marked failed',
        );
        reaped++;
      } finally {
        await q.release();
      }
    }
    return reaped;
  }

  async list(limit = 50, source?: string): Promise<ImportRunView[]> {
    const rows = (await this.dataSource.query(
      `SELECT r.*, to_char(r.billing_period, 'YYYY-MM') AS period, s.name AS source_name FROM import_run r JOIN billing_source s ON s.id = r.source_id
        WHERE $2::text IS NULL OR s.name = $2
        ORDER BY r.started_at DESC, r.id DESC LIMIT $1`,
      [limit, source ?? null],
    )) as Record<string, unknown>[];
    return rows.map((r) => ({
      id: Number(r['id']),
      source: r['source_name'] as string,
      trigger: r['trigger'] as string,
      fileName: r['file_name'] as string | null,
      format: r['format'] as string | null,
      focusVersion: r['focus_version'] as string | null,
      status: r['status'] as string,
      startedAt: (r['started_at'] as Date).toISOString(),
      finishedAt: r['finished_at'] ? (r['finished_at'] as Date).toISOString() : null,
      rowsRead: Number(r['rows_read']),
      rowsLoaded: Number(r['rows_loaded']),
      rowsRejected: Number(r['rows_rejected']),
      periods: r['periods'] as ImportRun['periods'],
      problems: r['problems'] as ImportRun['problems'],
      warnings: r['warnings'] as ImportRun['warnings'],
      error: r['error'] as string | null,
      period: r['period'] as string | null,
      requests: r['requests'] === null ? null : Number(r['requests']),
    }));
  }
}

const MAX_ERROR_CHARS = 4000;
const MAX_STORED_PROBLEMS = 1000;

/** NUL removed from every string inside (PostgreSQL text and jsonb refuse it). */
function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\0', '') as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [withoutNul(k), withoutNul(v)]),
    ) as T;
  }
  return value;
}

function storableFailure(values: Partial<ImportRun>): Partial<ImportRun> {
  return withoutNul({
    ...values,
    error: values.error?.slice(0, MAX_ERROR_CHARS),
    problems: values.problems?.slice(0, MAX_STORED_PROBLEMS),
    rejected: values.rejected?.slice(0, MAX_STORED_PROBLEMS),
  });
}
