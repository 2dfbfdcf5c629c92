import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource, QueryRunner } from 'typeorm';
import { Principal } from '../../auth/roles.js';
import { BillingSourcesService } from '../../billing/billing-sources.service.js';
import { CloudSourceConfig } from '../../config/app-config.js';
import { LOGGER } from '../../logging/logger.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import { CostSliceLoader } from '../cost-slice-loader.js';
import { ImportSlots } from '../import-slots.js';
import { periodLockKey, withPeriodLock } from '../period-lock.js';
import { plausiblePeriods } from '../../billing/billing-period.js';
import { planHeader } from '../focus-file/focus-header.js';
import { normalizeRow } from '../focus-file/focus-row.normalizer.js';
import { ImportValidationError } from '../import-errors.js';
import { ImportRunsService } from '../import-runs.service.js';
import { ImportTally } from '../import-tally.js';
import { CloudFetcher, FetchContext, RequestBudgetError } from './cloud-fetcher.js';
import { createFetchContext } from './fetch-context.js';
import { CloudTransport } from './cloud-transport.js';
import { createFetcher } from './fetcher-factory.js';

/** What happened to one (source, billing period). */
export interface PeriodRunResult {
  source: string;
  kind: string;
  period: string;
  status: 'succeeded' | 'failed' | 'skipped';
  runId: number | null;
  rows: number;
  billedCost: string;
  effectiveCost: string;
  /** Provider requests made (Cost Explorer bills $0.01 for each). */
  requests: number;
  retries: number;
  /** Why it failed or was skipped. */
  message: string | null;
}

export interface CloudRunOptions {
  trigger: 'cli' | 'api' | 'schedule';
  actor?: Principal;
  now?: Date;
}

/**
 * Imports cloud billing one (source, billing period) at a time. Each period is its own import
 * run under its own advisory lock: a replica that finds the lock taken skips that period and says
 * so, and a period that fails keeps its last good data while the other periods still land.
 */
@Injectable()
export class CloudImportService {
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
  importPeriods(
    config: CloudSourceConfig,
    periods: readonly string[],
    opts: CloudRunOptions,
  ): Promise<PeriodRunResult[]> {
    return this.slots.run(
      () => this.importPeriodsNow(config, periods, opts),
      opts.trigger === 'api',
    );
  }

  private async importPeriodsNow(
    config: CloudSourceConfig,
    periods: readonly string[],
    opts: CloudRunOptions,
  ): Promise<PeriodRunResult[]> {
    const source = await this.sources.ensure(config.name, config.kind);
    await this.runs.reapInterrupted();
    const fetcher = createFetcher(config, this.transport);
    const results: PeriodRunResult[] = [];
    for (const period of periods) {
      results.push(await this.importPeriod(config, source.id, fetcher, period, opts));
    }
    return results;
  }

  private async importPeriod(
    config: CloudSourceConfig,
    sourceId: number,
    fetcher: CloudFetcher,
    period: string,
    opts: CloudRunOptions,
  ): Promise<PeriodRunResult> {
    const result: PeriodRunResult = {
      source: config.name,
      kind: config.kind,
      period,
      status: 'skipped',
      runId: null,
      rows: 0,
      billedCost: '0',
      effectiveCost: '0',
      requests: 0,
      retries: 0,
      message: null,
    };
    const run = await withPeriodLock(this.dataSource, periodLockKey(sourceId, period), (lock) =>
      this.runLocked(config, sourceId, fetcher, period, opts, lock, result),
    );
    if (!run.locked) {
      result.message = `another process or replica is importing ${config.name} ${period}; skipped`;
      this.log.info(
        { event: 'import.skipped', source: config.name, period, reason: 'lock held elsewhere' },
        result.message,
      );
    }
    return result;
  }

  private async runLocked(
    config: CloudSourceConfig,
    sourceId: number,
    fetcher: CloudFetcher,
    period: string,
    opts: CloudRunOptions,
    lock: QueryRunner,
    result: PeriodRunResult,
  ): Promise<void> {
    const runId = await this.runs.begin(sourceId, opts.trigger, null, lock);
    result.runId = Number(runId);
    await this.runs.update(runId, { format: config.kind, billingPeriod: `${period}-01` });
    await this.runs.recordTrigger(opts.actor, config.name, {
      runId: result.runId,
      period,
      trigger: opts.trigger,
    });
    const started = Date.now();
    const loader = new CostSliceLoader(this.dataSource, sourceId, runId);
    const tally = new ImportTally(0);
    const ctx = this.context(config, result, opts.now ?? new Date());
    const request = `${config.kind} ${config.name} ${period}`;
    try {
      const plan = planHeader(fetcher.columns, plausiblePeriods(opts.now ?? new Date()));
      if (!('targets' in plan)) throw new Error(`internal: bad column list: ${plan[0]?.reason}`);
      loader.expect(`${period}-01`);
      let line = 0;
      for await (const cells of fetcher.fetch(period, ctx)) {
        line++;
        const normalized = normalizeRow(
          plan,
          fetcher.columns.map((c) => cells[c] ?? ''),
          line,
        );
        if (!normalized.ok) {
          tally.rejectedRow(line, normalized.problems);
        } else if (normalized.row.period !== `${period}-01`) {
          tally.rejectedRow(line, [
            {
              line,
              column: 'BillingPeriodStart',
              reason: `row belongs to ${normalized.row.period.slice(0, 7)}, not ${period}`,
            },
          ]);
        } else {
          tally.accepted(normalized.row.warnings);
          const wait = loader.add(normalized.row, line);
          if (wait) await wait;
        }
        if (tally.hopeless) break;
      }
      if (tally.overLimit) {
        throw new ImportValidationError(
          request,
          tally.problems,
          `${request}: ${tally.rejectedRows} provider row(s) could not be mapped to FOCUS; nothing was imported`,
        );
      }
      const [summary] = await loader.finish();
      await loader.commit((q) =>
        this.runs.update(
          runId,
          {
            ...tally.runValues(),
            status: 'succeeded',
            finishedAt: new Date(),
            rowsLoaded: String(summary!.rows),
            periods: [summary!],
            requests: result.requests,
          },
          q,
        ),
      );
      Object.assign(result, {
        status: 'succeeded',
        rows: summary!.rows,
        billedCost: summary!.billedCost,
        effectiveCost: summary!.effectiveCost,
      });
      this.metrics.recordImport(
        config.name,
        'succeeded',
        (Date.now() - started) / 1000,
        result.rows,
      );
      this.log.info(
        {
          event: 'import.succeeded',
          runId,
          source: config.name,
          period,
          rows: result.rows,
          requests: result.requests,
          retries: result.retries,
          ms: Date.now() - started,
        },
        `import succeeded (${result.requests} provider requests)`,
      );
    } catch (err) {
      await loader.abort();
      const message = (err as Error).message;
      await this.runs.fail(runId, {
        ...tally.runValues(),
        error: message,
        requests: result.requests,
      });
      Object.assign(result, { status: 'failed', message });
      this.metrics.recordImport(config.name, 'failed', (Date.now() - started) / 1000, 0);
      this.log.warn(
        {
          event: 'import.failed',
          runId,
          source: config.name,
          period,
          requests: result.requests,
          reason: message.split('\n')[0],
          budget: err instanceof RequestBudgetError ? err.limit : undefined,
        },
        'import failed; previous data kept',
      );
    }
  }

  private context(config: CloudSourceConfig, result: PeriodRunResult, now: Date): FetchContext {
    return createFetchContext({
      source: config.name,
      limit: 'maxRequests' in config ? config.maxRequests : Number.POSITIVE_INFINITY,
      tally: result,
      transport: this.transport,
      metrics: this.metrics,
      log: this.log,
      now,
    });
  }
}
