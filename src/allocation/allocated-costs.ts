import { D, Dec } from '../gpu/gpu-cost-split.js';
import type { CostBasis, CostReport, GROUP_BY_DIMENSIONS } from '../billing/cost-query.js';
import type { AllocationLine } from './allocation-engine.js';
import type { Allocation } from './allocation.service.js';

type Dimension = (typeof GROUP_BY_DIMENSIONS)[number];

/** The cost dimensions an allocation line keeps (region, charge category and tags it does not). */
const LINE_KEYS: Partial<Record<Dimension, (l: AllocationLine) => string | null>> = {
  provider: (l) => l.provider,
  service: (l) => l.serviceName,
  'service-category': (l) => l.serviceCategory,
  'sub-account': (l) => l.subAccountId,
};

export const ALLOCATED_GROUP_BY = Object.keys(LINE_KEYS) as Dimension[];

export const groupableFromAllocation = (groupBy: string): groupBy is Dimension =>
  groupBy in LINE_KEYS;

/**
 * Some teams' costs as the allocation assigns them: direct lines, shares of pools and adjustments
 * (a closed period's frozen snapshot). This is what a lead is charged, so it is their view of
 * costs; a team tag alone would miss rule-matched and shared cost. Amounts are exact (unrounded).
 */
export function allocatedCostReport(
  a: Allocation,
  teams: readonly string[],
  groupBy: Dimension | null,
  basis: CostBasis,
): CostReport {
  const wanted = new Set(teams);
  const keyOf = groupBy ? LINE_KEYS[groupBy]! : () => null;
  const groups = new Map<string | null, { cost: Dec; rows: number }>();
  let total = new D(0);
  let rows = 0;
  for (const l of a.lines) {
    if (!wanted.has(l.team)) continue;
    const key = keyOf(l);
    const g = groups.get(key) ?? { cost: new D(0), rows: 0 };
    g.cost = g.cost.plus(l[basis]);
    g.rows += l.lines;
    groups.set(key, g);
    total = total.plus(l[basis]);
    rows += l.lines;
  }
  const currency = a.currency ?? '';
  return {
    period: a.period,
    basis,
    groupBy,
    view: 'allocated',
    totals: groups.size ? [{ currency, cost: total.toString(), rows }] : [],
    groups: groupBy
      ? [...groups]
          .map(([key, g]) => ({ key, currency, cost: g.cost.toString(), rows: g.rows }))
          .sort(
            (x, y) =>
              new D(y.cost).cmp(x.cost) ||
              (x.key === null ? 1 : y.key === null ? -1 : x.key.localeCompare(y.key)),
          )
      : [],
  };
}
