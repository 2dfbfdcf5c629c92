import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { D, Dec } from '../gpu/gpu-cost-split.js';
import { periodRange } from '../billing/billing-period.js';
import { MetricEntries, MetricInputError } from './business-metric-input.js';
import { copyToStage, STAGE_SQL, upsertStage } from './business-metric-stage.js';

/** A metric's figure for one team or product over a billing period. */
export interface PeriodMetric {
  metric: string;
  team: string | null;
  product: string | null;
  /** The month's value when one was given, else the sum of its daily values. */
  value: Dec;
  unit: string | null;
  granularity: 'month' | 'day';
  /** Daily values: how many days of the period have one. */
  days: number | null;
}

export interface StoreResult {
  stored: number;
  metrics: string[];
  periods: string[];
}

/** Business metrics: stored per (metric, granularity, day, team, product), last value wins. */
@Injectable()
export class BusinessMetricsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /**
   * Stores a batch atomically (all or nothing) and audits it. The values are streamed with COPY
   * into a temporary stage, then upserted by one statement, so memory does not grow with the
   * batch; a bad value met while reading (the CSV is validated as it streams) rolls it all back.
   */
  async store(
    entries: MetricEntries,
    origin: string,
    actor: { name: string; role?: string | null },
  ): Promise<StoreResult> {
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    try {
      await client.query('BEGIN');
      await client.query(STAGE_SQL);
      const stored = await copyToStage(client, entries);
      if (stored === 0) throw new MetricInputError(entries.source, '(file)', 'no values');
      await upsertStage(client, entries, origin, actor.name);
      const [names] = (
        await client.query<{ metrics: string[]; periods: string[] }>(
          // Hashed DISTINCTs: an aggregate's own DISTINCT would sort every staged row.
          `SELECT (SELECT array_agg(metric ORDER BY metric)
                     FROM (SELECT DISTINCT metric FROM metric_stage) m) AS metrics,
                  (SELECT array_agg(to_char(month, 'YYYY-MM') ORDER BY month)
                     FROM (SELECT DISTINCT date_trunc('month', day) AS month FROM metric_stage) p)
                    AS periods`,
        )
      ).rows;
      const result: StoreResult = { stored, metrics: names!.metrics, periods: names!.periods };
      await this.audit.record(
        {
          actor: actor.name,
          actorRole: actor.role ?? null,
          action: 'business_metrics.loaded',
          target: origin,
          after: result,
        },
        runner.manager,
      );
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }

  /** Each (metric, team, product)'s figure for the period; `metric` narrows to one. */
  async forPeriod(period: string, metric?: string): Promise<PeriodMetric[]> {
    const { from, to } = periodRange(period);
    const rows = (await this.dataSource.query(
      `WITH v AS (
         SELECT metric, team, product, granularity, sum(value) AS value, max(unit) AS unit,
                count(DISTINCT day)::int AS days
           FROM business_metric
          WHERE day >= $1 AND day < $2 AND ($3::text IS NULL OR metric = $3)
          GROUP BY metric, team, product, granularity)
       SELECT DISTINCT ON (metric, coalesce(team, ''), coalesce(product, ''))
              metric, team, product, granularity, value::text AS value, unit, days
         FROM v
        ORDER BY metric, coalesce(team, ''), coalesce(product, ''), granularity = 'month' DESC`,
      [from, to, metric ?? null],
    )) as {
      metric: string;
      team: string | null;
      product: string | null;
      granularity: 'month' | 'day';
      value: string;
      unit: string | null;
      days: number;
    }[];
    return rows.map((r) => ({
      metric: r.metric,
      team: r.team,
      product: r.product,
      value: new D(r.value),
      unit: r.unit,
      granularity: r.granularity,
      days: r.granularity === 'day' ? r.days : null,
    }));
  }

  /**
   * Per team, a metric's value in the period, for metric pools: the team's own figure, or the sum
   * of its products' figures when it has none.
   */
  async teamValues(
    period: string,
    metric: string,
    owners: ReadonlyMap<string, string>,
  ): Promise<Map<string, Dec>> {
    const own = new Map<string, Dec>();
    const viaProducts = new Map<string, Dec>();
    for (const m of await this.forPeriod(period, metric)) {
      if (m.team && !m.product) own.set(m.team, m.value);
      else {
        const team = m.team ?? (m.product ? owners.get(m.product) : undefined);
        if (team) viaProducts.set(team, (viaProducts.get(team) ?? new D(0)).plus(m.value));
      }
    }
    for (const [team, value] of viaProducts) if (!own.has(team)) own.set(team, value);
    return own;
  }
}
