import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AllocationService } from '../allocation/allocation.service.js';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/roles.js';
import type { TeamScope } from '../auth/team-scope.js';
import { shiftPeriod } from '../billing/billing-period.js';
import { SqlFilter } from '../database/sql-filter.js';
import { billedThrough } from '../billing/billed-through.js';
import { cents } from '../billing/money.js';
import { D, Dec } from '../gpu/gpu-cost-split.js';
import { ANOMALY_DEFAULTS, detectAnomalies } from './anomalies.js';
import { dailySeries } from './daily-series.js';
import { addDays, DailyPoint, forecastDaily } from './forecast.js';

/** Days of history the anomaly detector and the forecast read. */
const HISTORY_DAYS = 112;

export const ANOMALY_STATUSES = ['open', 'acknowledged', 'expected', 'resolved'] as const;
export type AnomalyStatus = (typeof ANOMALY_STATUSES)[number];

export interface AnomalyView {
  id: number;
  scopeKind: 'total' | 'team' | 'service';
  scope: string;
  team: string | null;
  startDay: string;
  endDay: string;
  currency: string | null;
  actual: string;
  expected: string;
  impact: string;
  maxImpact: string;
  impactPercent: number | null;
  days: { day: string; actual: number; expected: number; impact: number }[];
  status: AnomalyStatus;
  statusNote: string | null;
  statusChangedBy: string | null;
  detectedAt: string;
}

export interface ForecastLine {
  scope: string;
  monthToDate: string;
  /** Month to date plus the forecast of the days left. */
  monthEnd: string;
  /** The next three months' forecast totals. */
  next: { month: string; forecast: string }[];
}

export interface ForecastReport {
  /** The last day with billed data; the forecast starts the day after. */
  asOf: string | null;
  month: string | null;
  currency: string | null;
  method: string;
  total: ForecastLine | null;
  teams: ForecastLine[];
}

export class AnomalyNotFoundError extends Error {
  constructor(id: number) {
    super(`anomaly ${id} not found`);
    this.name = 'AnomalyNotFoundError';
  }
}

const VIEW = `id::int, scope_kind AS "scopeKind", scope, team, to_char(start_day, 'YYYY-MM-DD') AS "startDay",
  to_char(end_day, 'YYYY-MM-DD') AS "endDay", currency, actual::text, expected::text, impact::text,
  max_impact::text AS "maxImpact", impact_percent AS "impactPercent", days, status,
  status_note AS "statusNote", status_changed_by AS "statusChangedBy", detected_at AS "detectedAt"`;

const money = (v: number) => new D(v).toDecimalPlaces(6).toString();

/**
 * Anomalies and forecasts from daily spend: the organisation's, each team's (by the allocation
 * rules) and each service's. Detection re-reads the last 112 days each run; an anomaly keeps its
 * identity (scope and first day) and review status while later runs extend it.
 */
@Injectable()
export class InsightsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly allocation: AllocationService,
    private readonly audit: AuditService,
  ) {}

  /** The day after the last billed day (exclusive end of history), or null with no data. */
  private async historyEnd(now: Date): Promise<string | null> {
    // Exclusive: a day that ended with the data counts, a day it stops in the middle does not.
    return (await billedThrough(this.dataSource, now))?.toISOString().slice(0, 10) ?? null;
  }

  private async series(now: Date) {
    const to = await this.historyEnd(now);
    if (!to) return null;
    return dailySeries(this.dataSource, this.allocation, addDays(to, -HISTORY_DAYS), to);
  }

  async detect(opts: { now?: Date; actor: string }): Promise<{
    from: string | null;
    to: string | null;
    found: number;
    created: number;
    updated: number;
  }> {
    const s = await this.series(opts.now ?? new Date());
    if (!s) return { from: null, to: null, found: 0, created: 0, updated: 0 };
    // History starts with the first day anything was billed: before it, every scope would look new.
    const first = Math.max(
      0,
      s.total.findIndex(
        (v, i) => v.gt(0) || [...s.teams.values(), ...s.services.values()].some((x) => x[i]!.gt(0)),
      ),
    );
    const points = (v: Dec[]): DailyPoint[] =>
      s.days.slice(first).map((day, i) => ({ day, cost: v[first + i]!.toNumber() }));
    const scopes: { kind: 'total' | 'team' | 'service'; scope: string; values: Dec[] }[] = [
      { kind: 'total', scope: 'organisation', values: s.total },
      ...[...s.teams].map(([scope, values]) => ({ kind: 'team' as const, scope, values })),
      ...[...s.services].map(([scope, values]) => ({ kind: 'service' as const, scope, values })),
    ];
    const rows = scopes.flatMap(({ kind, scope, values }) =>
      detectAnomalies(points(values), ANOMALY_DEFAULTS).map((a) => ({
        scope_kind: kind,
        scope,
        team: kind === 'team' ? scope : null,
        start_day: a.start,
        end_day: a.end,
        currency: s.currency,
        actual: money(a.actual),
        expected: money(a.expected),
        impact: money(a.impact),
        max_impact: money(a.maxImpact),
        impact_percent: a.impactPercent,
        days: a.days,
      })),
    );
    const now = new Date();
    const result = (await this.dataSource.query(
      `INSERT INTO anomaly AS a (scope_kind, scope, team, start_day, end_day, currency, actual,
              expected, impact, max_impact, impact_percent, days, detected_at, updated_at)
       SELECT scope_kind, scope, team, start_day, end_day, currency, actual, expected, impact,
              max_impact, impact_percent, days, $2, $2
         FROM jsonb_to_recordset($1::jsonb) AS x(scope_kind text, scope text, team text,
              start_day date, end_day date, currency text, actual numeric, expected numeric,
              impact numeric, max_impact numeric, impact_percent double precision, days jsonb)
       ON CONFLICT (scope_kind, scope, start_day) DO UPDATE SET
         end_day = excluded.end_day, actual = excluded.actual, expected = excluded.expected,
         impact = excluded.impact, max_impact = excluded.max_impact,
         impact_percent = excluded.impact_percent, days = excluded.days,
         updated_at = excluded.updated_at
       RETURNING (a.detected_at = $2) AS created`,
      [JSON.stringify(rows), now],
    )) as { created: boolean }[];
    const created = result.filter((r) => r.created).length;
    await this.audit.record({
      actor: opts.actor,
      action: 'anomalies.detected',
      after: { from: s.days[0], to: s.days.at(-1), found: rows.length, created },
    });
    return {
      from: s.days[0] ?? null,
      to: s.days.at(-1) ?? null,
      found: rows.length,
      created,
      updated: rows.length - created,
    };
  }

  async list(
    filter: { status?: AnomalyStatus; team?: string; limit: number },
    scope: TeamScope,
  ): Promise<AnomalyView[]> {
    const f = new SqlFilter();
    // A lead sees the anomalies of their teams (not the organisation's or a service's).
    if (scope.kind === 'teams') f.add('team = ANY(?)', scope.teams);
    if (filter.team) f.add('team = ?', filter.team);
    if (filter.status) f.add('status = ?', filter.status);
    const limit = f.bind(filter.limit);
    return (await this.dataSource.query(
      `SELECT ${VIEW} FROM anomaly ${f.where} ORDER BY start_day DESC, impact DESC LIMIT ${limit}`,
      f.params,
    )) as AnomalyView[];
  }

  async decide(
    id: number,
    patch: { status: AnomalyStatus; note?: string },
    actor: Principal,
    scope: TeamScope,
  ): Promise<AnomalyView> {
    const before = await this.byId(id);
    if (!before || (scope.kind === 'teams' && !scope.teams.includes(before.team ?? '')))
      throw new AnomalyNotFoundError(id);
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `UPDATE anomaly SET status = $2, status_note = $3, status_changed_at = now(),
                status_changed_by = $4 WHERE id = $1`,
        [id, patch.status, patch.note ?? null, actor.name],
      );
      await this.audit.record(
        {
          actor: actor.name,
          actorRole: actor.role,
          action: 'anomaly.decided',
          target: `anomaly:${id}`,
          before: { status: before.status, note: before.statusNote },
          after: { status: patch.status, note: patch.note ?? null },
        },
        m,
      );
    });
    return (await this.byId(id))!;
  }

  private async byId(id: number): Promise<AnomalyView | undefined> {
    const [row] = (await this.dataSource.query(`SELECT ${VIEW} FROM anomaly WHERE id = $1`, [
      id,
    ])) as AnomalyView[];
    return row;
  }

  /**
   * What the organisation's spend in `period` was forecast to be from the history before it
   * began (null without at least four weeks of it): the report's "vs forecast".
   */
  async monthForecast(period: string): Promise<string | null> {
    const start = `${period}-01`;
    const s = await dailySeries(
      this.dataSource,
      this.allocation,
      addDays(start, -HISTORY_DAYS),
      start,
    );
    const first = s.total.findIndex((v) => v.gt(0));
    if (first < 0 || s.days.length - first < 28) return null;
    const days =
      (Date.parse(`${shiftPeriod(period, 1)}-01T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) /
      86_400_000;
    const f = forecastDaily(
      s.days.slice(first).map((day, i) => ({ day, cost: s.total[first + i]!.toNumber() })),
      days,
    );
    return cents(f.days.reduce((a, d) => a + d.cost, 0));
  }

  /** Month-end and the next three months per team and for the organisation. */
  async forecast(scope: TeamScope, now = new Date()): Promise<ForecastReport> {
    const s = await this.series(now);
    const method =
      'weekday factors from centered 7-day means over 8 weeks; damped (0.995 a day) least-squares trend over 56 days';
    if (!s) return { asOf: null, month: null, currency: null, method, total: null, teams: [] };
    const asOf = s.days.at(-1)!;
    const month = addDays(asOf, 1).slice(0, 7);
    const line = (name: string, values: Dec[]): ForecastLine => {
      const mtd = values
        .filter((_, i) => s.days[i]!.startsWith(month))
        .reduce((a, v) => a.plus(v), new D(0));
      const horizon = 4 * 31 + 1;
      const f = forecastDaily(
        s.days.map((day, i) => ({ day, cost: values[i]!.toNumber() })),
        horizon,
      ).days;
      const sumMonth = (m: string) =>
        f.filter((d) => d.day.startsWith(m)).reduce((a, d) => a + d.cost, 0);
      return {
        scope: name,
        monthToDate: cents(mtd),
        monthEnd: cents(mtd.plus(sumMonth(month))),
        next: [1, 2, 3].map((k) => {
          const m = shiftPeriod(month, k);
          return { month: m, forecast: cents(sumMonth(m)) };
        }),
      };
    };
    const teams = [...s.teams]
      .filter(([team]) => scope.kind === 'all' || scope.teams.includes(team))
      .map(([team, values]) => line(team, values))
      .sort((a, b) => new D(b.monthEnd).cmp(a.monthEnd));
    return {
      asOf,
      month,
      currency: s.currency,
      method,
      total: scope.kind === 'all' ? line('organisation', s.total) : null,
      teams,
    };
  }
}
