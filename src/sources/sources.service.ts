import { Inject, Injectable } from '@nestjs/common';
import { CronTime } from 'cron';
import { DataSource } from 'typeorm';
import { Principal } from '../auth/roles.js';
import { APP_CONFIG, AppConfig, isUsageSource, SourceConfig } from '../config/app-config.js';
import { CloudImportService, PeriodRunResult } from '../ingestion/cloud/cloud-import.service.js';
import {
  FocusFileImportService,
  ImportSummary,
} from '../ingestion/focus-file/focus-file-import.service.js';
import { UsageImportService, UsageRunResult } from '../ingestion/gpu/usage-import.service.js';
import { periodsToImport } from './restatement-window.js';

export class UnknownSourceError extends Error {
  constructor(readonly source: string) {
    super(`no source named "${source}" in config/sources.yaml`);
    this.name = 'UnknownSourceError';
  }
}

/** The request does not fit the source (e.g. a period for a whole-file source). */
export class InvalidSourceRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSourceRequestError';
  }
}

/** Some periods of a cloud or usage source failed; the others (listed in results) still landed. */
export class SourceRunFailedError extends Error {
  constructor(readonly results: (PeriodRunResult | UsageRunResult)[]) {
    const failed = results.filter((r) => r.status === 'failed');
    super(
      [
        `source "${results[0]?.source}": ${failed.length} of ${results.length} period(s) failed; their previous data is kept`,
        ...failed.map((r) => `  ${r.period}: ${r.message}`),
      ].join('\n'),
    );
    this.name = 'SourceRunFailedError';
  }
}

/** A file import's summary, one billing period of a cloud source, or one usage import run. */
export type SourceRunResult = ImportSummary | PeriodRunResult | UsageRunResult;

export interface SourceStatus {
  name: string;
  kind: string;
  enabled: boolean;
  schedule: string | null;
  nextRun: string | null;
  lastRun: {
    id: number;
    status: string;
    startedAt: string;
    finishedAt: string | null;
    error: string | null;
  } | null;
  /** When data last arrived successfully, and how old it is. */
  freshness: { lastSuccessAt: string; ageHours: number } | null;
}

export interface RunOptions {
  trigger: 'cli' | 'api' | 'schedule';
  actor?: Principal;
  /** A single billing period to import (`YYYY-MM`), where the kind supports it. */
  period?: string;
  /** The clock (tests); decides which periods a cloud source re-imports. */
  now?: Date;
}

/** The configured sources: what they are, when they run next, how fresh their data is. */
@Injectable()
export class SourcesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly focusFiles: FocusFileImportService,
    private readonly cloud: CloudImportService,
    private readonly usage: UsageImportService,
  ) {}

  configured(): SourceConfig[] {
    return this.config.sources;
  }

  get(name: string): SourceConfig {
    const source = this.config.sources.find((s) => s.name === name);
    if (!source) throw new UnknownSourceError(name);
    return source;
  }

  /**
   * Runs one source now. A focus-file source imports its whole file (every period in it); a cloud
   * source imports the given period, or the current one plus the previous one while it is still
   * within the restatement window. Throws SourceRunFailedError when any period failed.
   */
  async run(name: string, opts: RunOptions): Promise<SourceRunResult[]> {
    const source = this.get(name);
    if (source.kind === 'focus-file') {
      if (opts.period) {
        throw new InvalidSourceRequestError(
          `source "${name}" (${source.kind}) imports whole files; a period does not apply`,
        );
      }
      return [
        await this.focusFiles.importFile({
          path: source.path,
          source: source.name,
          trigger: opts.trigger,
          actor: opts.actor,
        }),
      ];
    }
    const now = opts.now ?? new Date();
    if (opts.period && opts.period > now.toISOString().slice(0, 7)) {
      throw new InvalidSourceRequestError(`billing period ${opts.period} has not started yet`);
    }
    if (isUsageSource(source)) {
      if (opts.period && source.kind !== 'prometheus') {
        throw new InvalidSourceRequestError(
          `source "${name}" (${source.kind}) reads what it is sent; a period does not apply`,
        );
      }
      const results = await this.usage.run(source, { ...opts, now });
      if (results.some((r) => r.status === 'failed')) throw new SourceRunFailedError(results);
      return results;
    }
    const periods = opts.period ? [opts.period] : periodsToImport(now, source.restatementDays);
    const results = await this.cloud.importPeriods(source, periods, {
      trigger: opts.trigger,
      actor: opts.actor,
      now,
    });
    if (results.some((r) => r.status === 'failed')) throw new SourceRunFailedError(results);
    return results;
  }

  async status(now = new Date()): Promise<SourceStatus[]> {
    const rows = (await this.dataSource.query(
      `SELECT s.name,
              last.id, last.status, last.started_at, last.finished_at, last.error,
              (SELECT max(finished_at) FROM import_run r WHERE r.source_id = s.id AND r.status = 'succeeded') AS last_success
         FROM billing_source s
         LEFT JOIN LATERAL (SELECT * FROM import_run r WHERE r.source_id = s.id ORDER BY started_at DESC, id DESC LIMIT 1) last ON true`,
    )) as Record<string, unknown>[];
    const byName = new Map(rows.map((r) => [r['name'] as string, r]));
    return this.config.sources.map((s) => {
      const r = byName.get(s.name);
      const lastSuccess = r?.['last_success'] as Date | null | undefined;
      return {
        name: s.name,
        kind: s.kind,
        enabled: s.enabled,
        schedule: s.schedule ?? null,
        nextRun:
          s.enabled && s.schedule ? new CronTime(s.schedule, 'UTC').sendAt().toUTC().toISO() : null,
        lastRun: r?.['id']
          ? {
              id: Number(r['id']),
              status: r['status'] as string,
              startedAt: (r['started_at'] as Date).toISOString(),
              finishedAt: r['finished_at'] ? (r['finished_at'] as Date).toISOString() : null,
              error: r['error'] as string | null,
            }
          : null,
        freshness: lastSuccess
          ? {
              lastSuccessAt: lastSuccess.toISOString(),
              ageHours: Math.round(((now.getTime() - lastSuccess.getTime()) / 3_600_000) * 10) / 10,
            }
          : null,
      };
    });
  }
}
