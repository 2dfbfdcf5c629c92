import { Inject, Injectable } from '@nestjs/common';
import { CronTime } from 'cron';
import { DataSource } from 'typeorm';
import { Principal } from '../auth/roles.js';
import { APP_CONFIG, AppConfig, SourceConfig } from '../config/app-config.js';
import {
  FocusFileImportService,
  ImportSummary,
} from '../ingestion/focus-file/focus-file-import.service.js';

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
}

/** The configured sources: what they are, when they run next, how fresh their data is. */
@Injectable()
export class SourcesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly focusFiles: FocusFileImportService,
  ) {}

  configured(): SourceConfig[] {
    return this.config.sources;
  }

  get(name: string): SourceConfig {
    const source = this.config.sources.find((s) => s.name === name);
    if (!source) throw new UnknownSourceError(name);
    return source;
  }

  /** Runs one source now. A focus-file source imports its whole file (every period in it). */
  async run(name: string, opts: RunOptions): Promise<ImportSummary[]> {
    const source = this.get(name);
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
