import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { Principal } from '../../auth/roles.js';
import { BillingSourcesService } from '../../billing/billing-sources.service.js';
import type {
  DcgmScrapeSourceConfig,
  NvidiaSmiSourceConfig,
  PrometheusSourceConfig,
  UsageSourceConfig,
} from '../../config/app-config.js';
import { LOGGER } from '../../logging/logger.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import { CloudTransport } from '../cloud/cloud-transport.js';
import { createFetchContext } from '../cloud/fetch-context.js';
import { ImportValidationError } from '../import-errors.js';
import { ImportRunsService } from '../import-runs.service.js';
import { ImportTally } from '../import-tally.js';
import { ImportSlots } from '../import-slots.js';
import { periodLockKey, withPeriodLock } from '../period-lock.js';
import { aggregateBufferedScrapes, scrapeTarget } from './dcgm-scrape.js';
import { authHeaders } from './http-auth.js';
import { nvidiaSmiFiles, readNvidiaSmiFiles } from './nvidia-smi-reader.js';
import { PrometheusClient } from './prometheus-client.js';
import { readPrometheusWindow } from './prometheus-reader.js';
import { UsageFindings } from './usage-findings.js';
import { UsageStage } from './usage-stage.js';
import { GPU_USAGE_COLUMNS, RESOURCE_USAGE_COLUMNS } from './usage-tables.js';
import type { ResourceUsageRow } from './resource-series.js';
import { usageWindows } from './usage-windows.js';
import type { GpuUsageRow } from './gpu-series.js';

/** What one usage import run did. */
export interface UsageRunResult {
  source: string;
  kind: string;
  /** The billing period the hours belong to (`YYYY-MM`), or `files` for log files. */
  period: string;
  status: 'succeeded' | 'failed' | 'skipped' | 'buffered';
  runId: number | null;
  /** Hours replaced, `[from, to)`, when the run covered a fixed window. */
  from: string | null;
  to: string | null;
  gpuRows: number;
  resourceRows: number;
  samples: number;
  requests: number;
  retries: number;
  /** Unknown metrics, missing labels, gaps: counted, never fatal. */
  findings: UsageFindings;
  message: string | null;
}

export interface UsageRunOptions {
  trigger: 'cli' | 'api' | 'schedule' | 'sample';
  actor?: Principal;
  period?: string;
  now: Date;
}

type Work = (
  stage: UsageStage,
  result: UsageRunResult,
  tally: ImportTally,
) => Promise<{ gpuRows: number; resourceRows?: number; samples: number }>;

const HOUR = 3_600_000;
const floorHour = (d: Date) => new Date(Math.floor(d.getTime() / HOUR) * HOUR);

/**
 * Imports GPU and machine utilization from Prometheus, dcgm-exporter scrapes and nvidia-smi logs
 * into gpu_usage and resource_usage. Each run holds a per-(source, period) advisory lock and
 * replaces what it covers in one transaction, so a re-run gives the same rows and a failed run
 * keeps the previous ones.
 */
@Injectable()
export class UsageImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sources: BillingSourcesService,
    private readonly runs: ImportRunsService,
    private readonly metrics: MetricsService,
    private readonly transport: CloudTransport,
    private readonly slots: ImportSlots,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Runs in an import slot, as file imports do (an API call is refused when all are taken). */
  run(config: UsageSourceConfig, opts: UsageRunOptions): Promise<UsageRunResult[]> {
    return this.slots.run(() => this.runNow(config, opts), opts.trigger === 'api');
  }

  private async runNow(
    config: UsageSourceConfig,
    opts: UsageRunOptions,
  ): Promise<UsageRunResult[]> {
    const source = await this.sources.ensure(config.name, config.kind);
    await this.runs.reapInterrupted();
    switch (config.kind) {
      case 'prometheus':
        return this.runPrometheus(config, source.id, opts);
      case 'nvidia-smi-csv':
        return [await this.runNvidiaSmi(config, source.id, opts)];
      case 'dcgm-scrape':
        return [await this.runScrape(config, source.id, opts)];
    }
  }

  /** Loads already-aggregated rows for a window (the bundled sample), as one import run. */
  async loadRows(
    name: string,
    rows: Iterable<GpuUsageRow>,
    window: { from: Date; to: Date },
    opts: UsageRunOptions,
    machineRows: Iterable<ResourceUsageRow> = [],
  ): Promise<UsageRunResult> {
    const config = { name, kind: 'prometheus' } as UsageSourceConfig;
    const source = await this.sources.ensure(name, 'sample');
    const period = window.from.toISOString().slice(0, 7);
    return this.locked(config, source.id, period, opts, window, async (stage) => {
      const copy = await stage.copy('gpu_usage', GPU_USAGE_COLUMNS);
      for (const row of rows) {
        const wait = copy.write(row);
        if (wait) await wait;
      }
      await copy.end();
      await stage.publish('gpu_usage', GPU_USAGE_COLUMNS, { window });
      const machines = await stage.copy('resource_usage', RESOURCE_USAGE_COLUMNS);
      for (const row of machineRows) {
        const wait = machines.write(row);
        if (wait) await wait;
      }
      await machines.end();
      await stage.publish('resource_usage', RESOURCE_USAGE_COLUMNS, { window });
      return { gpuRows: copy.rows, resourceRows: machines.rows, samples: 0 };
    });
  }

  private async runPrometheus(
    config: PrometheusSourceConfig,
    sourceId: number,
    opts: UsageRunOptions,
  ): Promise<UsageRunResult[]> {
    const client = new PrometheusClient(config.url, authHeaders(config.auth));
    const windows = usageWindows(floorHour(opts.now), config.lookbackHours, opts.period);
    const results: UsageRunResult[] = [];
    for (const { period, from, to } of windows) {
      results.push(
        await this.locked(config, sourceId, period, opts, { from, to }, async (stage, result) => {
          const ctx = this.context(config.name, config.maxRequests, result, opts.now);
          const counts = await readPrometheusWindow(
            config,
            client,
            { from, to },
            stage,
            ctx,
            result.findings,
          );
          if (config.nodeQueries) {
            await stage.publish('resource_usage', RESOURCE_USAGE_COLUMNS, { window: { from, to } });
          }
          await stage.publish('gpu_usage', GPU_USAGE_COLUMNS, { window: { from, to } });
          return counts;
        }),
      );
    }
    return results;
  }

  private async runNvidiaSmi(
    config: NvidiaSmiSourceConfig,
    sourceId: number,
    opts: UsageRunOptions,
  ): Promise<UsageRunResult> {
    return this.locked(config, sourceId, 'files', opts, null, async (stage, result, tally) => {
      const files = await nvidiaSmiFiles(config.path);
      const counts = await readNvidiaSmiFiles(config, files, stage, tally, result.findings);
      if (tally.overLimit) {
        throw new ImportValidationError(
          config.path,
          tally.problems,
          `${config.path}: ${tally.rejectedRows} line(s) could not be read; nothing was imported`,
        );
      }
      if (counts.gpuRows === 0 && tally.rowsRead > 0) {
        // Lines were there but none became a reading: a success here would hide the cause.
        throw new ImportValidationError(
          config.path,
          tally.problems,
          `${config.path}: nothing was loaded from ${tally.rowsRead} line(s); previous data kept`,
        );
      }
      await stage.publish('gpu_usage', GPU_USAGE_COLUMNS, { hostsAsSeen: true });
      return counts;
    });
  }

  /**
   * One scrape of every target into the buffer; when hours have closed since, their buffered
   * scrapes are aggregated and published (one import run), and the buffer of those hours cleared.
   */
  private async runScrape(
    config: DcgmScrapeSourceConfig,
    sourceId: number,
    opts: UsageRunOptions,
  ): Promise<UsageRunResult> {
    const scraped = this.emptyResult(config, 'scrape', null);
    const ctx = this.context(config.name, Number.POSITIVE_INFINITY, scraped, opts.now);
    const headers = authHeaders(config.auth);
    const failures: string[] = [];
    for (const target of config.targets) {
      try {
        const body = await scrapeTarget(target, headers, ctx);
        await this.dataSource.query(
          `INSERT INTO gpu_scrape_sample (source_id, scraped_at, target, body) VALUES ($1, $2, $3, $4)`,
          [sourceId, opts.now, target, body],
        );
      } catch (err) {
        // One unreachable exporter must not stop the others: it shows as a gap in its GPUs' hours.
        failures.push(`${target}: ${(err as Error).message}`);
      }
    }
    const closed = floorHour(opts.now);
    const [{ pending }] = (await this.dataSource.query(
      `SELECT count(*)::int AS pending FROM gpu_scrape_sample WHERE source_id = $1 AND scraped_at < $2`,
      [sourceId, closed],
    )) as [{ pending: number }];
    if (pending === 0) {
      return {
        ...scraped,
        status: 'buffered',
        message: failures.length ? `scrape failed: ${failures.join('; ')}` : null,
      };
    }
    const period = new Date(closed.getTime() - 1).toISOString().slice(0, 7);
    const result = await this.locked(config, sourceId, period, opts, null, async (stage, r) => {
      const counts = await aggregateBufferedScrapes(
        this.dataSource,
        config,
        sourceId,
        closed.getTime() / 1000,
        stage,
        r.findings,
      );
      const from = new Date((counts.fromSec ?? closed.getTime() / 1000) * 1000);
      Object.assign(r, { from: from.toISOString(), to: closed.toISOString() });
      await stage.publish('gpu_usage', GPU_USAGE_COLUMNS, { window: { from, to: closed } });
      await stage.exec(`DELETE FROM gpu_scrape_sample WHERE source_id = $1 AND scraped_at < $2`, [
        sourceId,
        closed,
      ]);
      return counts;
    });
    if (failures.length) result.findings[`scrape failed: ${failures.join('; ')}`] = 1;
    return result;
  }

  private emptyResult(
    config: UsageSourceConfig,
    period: string,
    window: { from: Date; to: Date } | null,
  ): UsageRunResult {
    return {
      source: config.name,
      kind: config.kind,
      period,
      status: 'skipped',
      runId: null,
      from: window?.from.toISOString() ?? null,
      to: window?.to.toISOString() ?? null,
      gpuRows: 0,
      resourceRows: 0,
      samples: 0,
      requests: 0,
      retries: 0,
      findings: {},
      message: null,
    };
  }

  private context(source: string, limit: number, result: UsageRunResult, now: Date) {
    return createFetchContext({
      source,
      limit,
      tally: result,
      transport: this.transport,
      metrics: this.metrics,
      log: this.log,
      now,
    });
  }

  /** One import run under the (source, period) advisory lock; `work` fills the stage. */
  private async locked(
    config: UsageSourceConfig,
    sourceId: number,
    period: string,
    opts: UsageRunOptions,
    window: { from: Date; to: Date } | null,
    work: Work,
  ): Promise<UsageRunResult> {
    const result = this.emptyResult(config, period, window);
    const monthly = /^\d{4}-\d{2}$/.test(period);
    const key = periodLockKey(sourceId, monthly ? period : '0000-00');
    const run = await withPeriodLock(this.dataSource, key, async (lock) => {
      const runId = await this.runs.begin(sourceId, opts.trigger, null, lock);
      result.runId = Number(runId);
      await this.runs.update(runId, {
        format: config.kind,
        billingPeriod: monthly ? `${period}-01` : null,
      });
      await this.runs.recordTrigger(opts.actor, config.name, { runId: result.runId, period });
      await this.execute(config, runId, sourceId, result, work);
    });
    if (!run.locked) {
      result.message = `another process or replica is importing ${config.name} ${period}; skipped`;
      this.log.info({ event: 'import.skipped', source: config.name, period }, result.message);
    }
    return result;
  }

  private async execute(
    config: UsageSourceConfig,
    runId: string,
    sourceId: number,
    result: UsageRunResult,
    work: Work,
  ): Promise<void> {
    const started = Date.now();
    const tally = new ImportTally(10);
    const stage = await UsageStage.begin(this.dataSource, sourceId, runId);
    try {
      const counts = await work(stage, result, tally);
      Object.assign(result, {
        status: 'succeeded',
        gpuRows: counts.gpuRows,
        resourceRows: counts.resourceRows ?? 0,
        samples: counts.samples,
      });
      await stage.commit((q) =>
        this.runs.update(
          runId,
          {
            ...tally.runValues(),
            warnings: { ...tally.warnings, ...result.findings },
            status: 'succeeded',
            finishedAt: new Date(),
            rowsLoaded: String(result.gpuRows + result.resourceRows),
            requests: result.requests,
          },
          q,
        ),
      );
      this.metrics.recordImport(
        config.name,
        'succeeded',
        (Date.now() - started) / 1000,
        result.gpuRows,
      );
      this.log.info(
        {
          event: 'usage_import.succeeded',
          runId,
          source: config.name,
          period: result.period,
          gpuRows: result.gpuRows,
          resourceRows: result.resourceRows,
          samples: result.samples,
          findings: Object.keys(result.findings).length,
          ms: Date.now() - started,
        },
        'usage import succeeded',
      );
    } catch (err) {
      await stage.abort();
      const message = (err as Error).message;
      Object.assign(result, { status: 'failed', message, gpuRows: 0, resourceRows: 0 });
      await this.runs.fail(runId, {
        ...tally.runValues(),
        warnings: { ...tally.warnings, ...result.findings },
        error: message,
        requests: result.requests,
      });
      this.metrics.recordImport(config.name, 'failed', (Date.now() - started) / 1000, 0);
      this.log.warn(
        {
          event: 'usage_import.failed',
          runId,
          source: config.name,
          reason: message.split('\n')[0],
        },
        'usage import failed; previous data kept',
      );
    }
  }
}
