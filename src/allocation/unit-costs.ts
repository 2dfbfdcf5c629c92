import { D, Dec } from '../gpu/gpu-cost-split.js';
import type { TeamScope } from '../auth/team-scope.js';
import type { CostBasisName } from './allocation-config.js';
import type { AllocationLine } from './allocation-engine.js';
import type { PeriodMetric } from './business-metrics.service.js';

/** Cost per unit of a business metric for one team or product, with the month before. */
export interface UnitCost {
  metric: string;
  unit: string | null;
  team: string | null;
  product: string | null;
  /** Team: everything allocated to it (direct, shared, adjustments). Product: its direct cost. */
  cost: string;
  value: string;
  /** cost / value to 6 significant digits; null when the value is 0. */
  unitCost: string | null;
  /** Daily values: days of the period that have one (month values: null). */
  days: number | null;
  previous: { cost: string; value: string; unitCost: string | null } | null;
  /** Month-over-month change of the unit cost, percent to one decimal. */
  change: string | null;
}

interface PeriodInput {
  lines: readonly AllocationLine[];
  metrics: readonly PeriodMetric[];
}

const keyOf = (m: { metric: string; team: string | null; product: string | null }) =>
  [m.metric, m.team ?? '', m.product ?? ''].join('\u0001');

function costOf(m: PeriodMetric, lines: readonly AllocationLine[], basis: CostBasisName): Dec {
  let sum = new D(0);
  for (const l of lines) {
    if (m.product) {
      if (l.product === m.product && (!m.team || l.team === m.team) && l.kind !== 'shared')
        sum = sum.plus(l[basis]);
    } else if (l.team === m.team) sum = sum.plus(l[basis]);
  }
  return sum;
}

const perUnit = (cost: Dec, value: Dec) => (value.isZero() ? null : cost.div(value));
const shown = (u: Dec | null) => (u === null ? null : u.toSignificantDigits(6).toFixed());

/** A lead sees the figures of their teams and of the products their teams own. */
export function metricInScope(
  m: { team: string | null; product: string | null },
  owners: ReadonlyMap<string, string>,
  scope: TeamScope,
): boolean {
  if (scope.kind === 'all') return true;
  const team = m.team ?? (m.product ? owners.get(m.product) : undefined);
  return team !== undefined && scope.teams.includes(team);
}

/**
 * Unit cost = allocated cost / metric value, per metric and team or product, with the previous
 * period's figure and the change. Leads see their teams (and their teams' products) only.
 */
export function unitCosts(
  current: PeriodInput,
  previous: PeriodInput | null,
  basis: CostBasisName,
  owners: ReadonlyMap<string, string>,
  scope: TeamScope,
): UnitCost[] {
  const before = new Map((previous?.metrics ?? []).map((m) => [keyOf(m), m]));
  return current.metrics
    .filter((m) => metricInScope(m, owners, scope))
    .map((m): UnitCost => {
      const cost = costOf(m, current.lines, basis);
      const unitCost = perUnit(cost, m.value);
      const p = before.get(keyOf(m));
      const prevCost = p && previous ? costOf(p, previous.lines, basis) : null;
      const prevUnit = p && prevCost ? perUnit(prevCost, p.value) : null;
      return {
        metric: m.metric,
        unit: m.unit,
        team: m.team,
        product: m.product,
        cost: cost.toFixed(2),
        value: m.value.toFixed(),
        unitCost: shown(unitCost),
        days: m.days,
        previous:
          p && prevCost
            ? { cost: prevCost.toFixed(2), value: p.value.toFixed(), unitCost: shown(prevUnit) }
            : null,
        change:
          unitCost !== null && prevUnit !== null && !prevUnit.isZero()
            ? unitCost.minus(prevUnit).div(prevUnit).times(100).toFixed(1)
            : null,
      };
    });
}
