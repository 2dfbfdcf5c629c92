import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { D, Dec } from '../gpu/gpu-cost-split.js';
import { periodRange } from '../billing/billing-period.js';
import type { MetricValue } from './business-metric-input.js';

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

  /** Stores a batch atomically (all or nothing) and audits it. */
  async store(
    values: readonly MetricValue[],
    origin: string,
    actor: { name: string; role?: string | null },
  ): Promise<StoreResult> {
    const result: StoreResult = {
      stored: values.length,
      metrics: [...new Set(values.map((v) => v.metric))].sort(),
      periods: [...new Set(values.map((v) => v.day.slice(0, 7)))].sort(),
    };
    await this.dataSource.transaction(async (m) => {
      const col = <K extends keyof MetricValue>(k: K) => values.map((v) => v[k]);
      await m.query(
        `INSERT INTO business_metric
           (metric, granularity, day, team, product, value, unit, origin, loaded_by)
         SELECT metric, granularity, day, team, product, value, unit, $8, $9
           FROM unnest($1::text[], $2::text[], $3::date[], $4::text[], $5::text[],
                       $6::numeric[], $7::text[])
             AS v(metric, granularity, day, team, product, value, unit)
         ON CONFLICT (metric, granularity, day, (coalesce(team, '')), (coalesce(product, '')))
         DO UPDATE SET value = excluded.value, unit = excluded.unit, origin = excluded.origin,
                       loaded_by = excluded.loaded_by, loaded_at = now()`,
        [
          col('metric'),
          col('granularity'),
          col('day'),
          col('team'),
          col('product'),
          col('value'),
          col('unit'),
          origin,
          actor.name,
        ],
      );
      await this.audit.record(
        {
          actor: actor.name,
          actorRole: actor.role ?? null,
          action: 'business_metrics.loaded',
          target: origin,
          after: result,
        },
        m,
      );
    });
    return result;
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
