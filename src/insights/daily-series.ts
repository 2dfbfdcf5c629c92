import type { DataSource } from 'typeorm';
import { EFFECTIVE_SQL } from '../allocation/allocation-sql.js';
import type { AllocationService } from '../allocation/allocation.service.js';
import { shiftPeriod } from '../billing/billing-period.js';
import { D, Dec } from '../gpu/gpu-cost-split.js';
import { addDays } from './forecast.js';

/** Daily EffectiveCost of the organisation, per team and per service, over consecutive days. */
export interface DailySeries {
  /** The days, oldest first (YYYY-MM-DD). */
  days: string[];
  currency: string | null;
  /** Exact amounts per day. */
  total: Dec[];
  /** Per team (the team the allocation rules charge each resource's cost to directly). */
  teams: Map<string, Dec[]>;
  services: Map<string, Dec[]>;
}

/**
 * Each cost line spread evenly over the days of its charge period (a monthly fee is a little
 * each day, not a spike on the 1st), summed per day, team and service in the database. Teams
 * come from the allocation rules per resource (lines without a resource, and resources whose
 * cost goes to a pool, have no team and count in the total and their service only).
 * Commitment purchases are left out (EffectiveCost is amortized).
 */
export async function dailySeries(
  ds: DataSource,
  allocation: AllocationService,
  from: string,
  to: string,
): Promise<DailySeries> {
  const days: string[] = [];
  for (let d = from; d < to; d = addDays(d, 1)) days.push(d);
  const periods: string[] = [];
  for (let p = from.slice(0, 7); p <= addDays(to, -1).slice(0, 7); p = shiftPeriod(p, 1))
    periods.push(p);
  const owner = new Map<string, string>();
  for (const p of periods)
    for (const [resource, team] of await allocation.resourceTeams(p))
      if (team) owner.set(resource, team);
  const rows = (await ds.query(
    `WITH owner AS (SELECT * FROM unnest($4::text[], $5::text[]) AS o(resource_id, team)),
     spread AS (
       SELECT c.billing_currency AS currency, c.service_name AS service, o.team,
              d::date AS day,
              (${EFFECTIVE_SQL})
                * extract(epoch FROM least(d + interval '1 day', c.charge_period_end) - greatest(d, c.charge_period_start))
                / extract(epoch FROM c.charge_period_end - c.charge_period_start) AS cost
         FROM cost_record c
         LEFT JOIN owner o ON o.resource_id = c.resource_id
        CROSS JOIN LATERAL generate_series(date_trunc('day', greatest(c.charge_period_start, $1::timestamptz)),
                                           least(c.charge_period_end, $2::timestamptz) - interval '1 microsecond',
                                           interval '1 day') AS d
        WHERE c.billing_period = ANY($3::date[]) AND c.charge_period_end > $1::timestamptz
          AND c.charge_period_start < $2::timestamptz AND c.charge_period_end > c.charge_period_start)
     SELECT to_char(day, 'YYYY-MM-DD') AS day, currency, team, service,
            grouping(team) = 0 AS by_team, grouping(service) = 0 AS by_service,
            sum(cost)::text AS cost
       FROM spread GROUP BY GROUPING SETS ((day, currency), (day, currency, team), (day, currency, service))`,
    [
      `${from}T00:00:00Z`,
      `${to}T00:00:00Z`,
      periods.map((p) => `${p}-01`),
      [...owner.keys()],
      [...owner.values()],
    ],
  )) as {
    day: string;
    currency: string;
    team: string | null;
    service: string | null;
    by_team: boolean;
    by_service: boolean;
    cost: string;
  }[];
  const currencies = new Set(rows.map((r) => r.currency));
  const currency = [...currencies].sort()[0] ?? null;
  const index = new Map(days.map((d, i) => [d, i]));
  const zeros = () => days.map(() => new D(0));
  const total = zeros();
  const teams = new Map<string, Dec[]>();
  const services = new Map<string, Dec[]>();
  const add = (map: Map<string, Dec[]>, key: string, i: number, v: string) => {
    if (!map.has(key)) map.set(key, zeros());
    map.get(key)![i] = map.get(key)![i]!.plus(v);
  };
  for (const r of rows) {
    // One currency is modelled (the first); a second is reported by the caller, never added.
    if (r.currency !== currency) continue;
    const i = index.get(r.day);
    if (i === undefined) continue;
    if (r.by_team) {
      if (r.team) add(teams, r.team, i, r.cost);
    } else if (r.by_service) add(services, r.service ?? '(no service)', i, r.cost);
    else total[i] = total[i]!.plus(r.cost);
  }
  return { days, currency, total, teams, services };
}
