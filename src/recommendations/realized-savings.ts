import type { EntityManager } from 'typeorm';
import { EFFECTIVE_SQL } from '../allocation/allocation-sql.js';
import type { AuditService } from '../audit/audit.service.js';
import { D, Dec } from '../gpu/gpu-cost-split.js';
import type { RecommendConfig } from './recommend-config.js';
import { HOURS_PER_MONTH } from './recommendation.js';

const DAY = 86_400_000;
/** Proposals that remove the resource: compare per calendar hour (after it costs nothing). */
const REMOVALS = ['stop', 'release-address', 'delete-snapshot', 'delete-load-balancer'];

interface Rate {
  from: string;
  to: string;
  cost: string;
  hours: number;
  rate: string;
}

/**
 * For each implemented recommendation with enough cost data after it settled: the resource's
 * effective cost rate before (the lookback before implementation) and after, normalized the
 * same way (per billed running hour for a resize or tier change, per calendar hour for a
 * removal), and the measured monthly saving. The recommendation becomes verified; audited.
 * Commitments and MIG packing span several resources and are not measured automatically.
 */
export async function measureRealized(
  m: EntityManager,
  audit: AuditService,
  config: RecommendConfig,
  windowEnd: Date,
): Promise<number> {
  const { settleDays, minDays } = config.verification;
  const due = (await m.query(
    `SELECT id::int AS id, resource_id, proposal, monthly_savings::text AS estimated, implemented_at
       FROM recommendation
      WHERE status = 'implemented' AND implemented_at + make_interval(secs => $1) <= $2
        AND resource_id NOT LIKE 'commitment:%' AND resource_id NOT LIKE 'pool:%'`,
    [((settleDays + minDays) * DAY) / 1000, windowEnd],
  )) as {
    id: number;
    resource_id: string;
    proposal: { action?: string };
    estimated: string | null;
    implemented_at: Date;
  }[];
  for (const r of due) {
    const at = r.implemented_at.getTime();
    const removal = REMOVALS.includes(r.proposal.action ?? '');
    const before = await rate(
      m,
      r.resource_id,
      new Date(at - config.lookbackDays * DAY),
      new Date(at),
      removal,
    );
    const after = await rate(m, r.resource_id, new Date(at + settleDays * DAY), windowEnd, removal);
    const realized = new D(before.rate).minus(after.rate).times(HOURS_PER_MONTH).toDecimalPlaces(2);
    const detail = {
      normalization: removal ? 'per calendar hour' : 'per billed running hour (calendar if none)',
      before,
      after,
      estimatedMonthlySavings: r.estimated,
    };
    await m.query(
      `UPDATE recommendation SET status = 'verified', realized_monthly_savings = $2,
              realized_detail = $3, status_changed_at = now(), status_changed_by = 'system'
        WHERE id = $1`,
      [r.id, realized.toFixed(2), JSON.stringify(detail)],
    );
    await audit.record(
      {
        actor: 'system',
        action: 'recommendation.verified',
        target: `recommendation:${r.id}`,
        before: { status: 'implemented' },
        after: { status: 'verified', realizedMonthlySavings: realized.toFixed(2) },
      },
      m,
    );
  }
  return due.length;
}

async function rate(
  m: EntityManager,
  resourceId: string,
  from: Date,
  to: Date,
  calendar: boolean,
): Promise<Rate> {
  const overlap = `greatest(0, extract(epoch FROM least(charge_period_end, $3) - greatest(charge_period_start, $2)))
    / nullif(extract(epoch FROM charge_period_end - charge_period_start), 0)`;
  const [row] = (await m.query(
    `SELECT coalesce(sum((${EFFECTIVE_SQL}) * ${overlap}), 0)::text AS cost,
            coalesce(sum(consumed_quantity * ${overlap}) FILTER (WHERE consumed_unit ~* '^h(ou)?rs?$'), 0)::float8 AS hours
       FROM cost_record
      WHERE resource_id = $1 AND charge_period_end > $2 AND charge_period_start < $3
        AND charge_period_end > charge_period_start`,
    [resourceId, from, to],
  )) as { cost: string; hours: number }[];
  const calendarHours = (to.getTime() - from.getTime()) / 3_600_000;
  const hours = calendar || row!.hours <= 0 ? calendarHours : row!.hours;
  const cost: Dec = new D(row!.cost);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    cost: cost.toString(),
    hours: Math.round(hours * 100) / 100,
    rate: hours > 0 ? cost.div(hours).toString() : '0',
  };
}
