import { largestRemainder } from '../billing/largest-remainder.js';
import { D, Dec } from '../gpu/gpu-cost-split.js';
import { CostBasisName, TeamPlace, UNALLOCATED } from './allocation-config.js';
import type { AllocationLine } from './allocation-engine.js';

export interface TeamTotal {
  team: string;
  costCenter: string | null;
  businessUnit: string | null;
  /** Cents, rounded by largest remainder: teams add up to the total, direct + shared to the team. */
  direct: string;
  shared: string;
  /** Restatements of closed periods booked in this one. */
  adjustments: string;
  total: string;
}

export interface AllocationSummary {
  basis: CostBasisName;
  teams: TeamTotal[];
  total: string;
  unallocated: string;
}

/** Per team direct and shared cost in one basis, largest first, Unallocated last. */
export function summarize(
  lines: readonly AllocationLine[],
  basis: CostBasisName,
  places: ReadonlyMap<string, TeamPlace>,
): AllocationSummary {
  const acc = new Map<string, { direct: Dec; shared: Dec; adjustments: Dec }>();
  for (const l of lines) {
    const a = acc.get(l.team) ?? { direct: new D(0), shared: new D(0), adjustments: new D(0) };
    if (l.kind === 'shared') a.shared = a.shared.plus(l[basis]);
    else if (l.kind === 'adjustment') a.adjustments = a.adjustments.plus(l[basis]);
    else a.direct = a.direct.plus(l[basis]);
    acc.set(l.team, a);
  }
  const sumOf = (a: { direct: Dec; shared: Dec; adjustments: Dec }) =>
    a.direct.plus(a.shared).plus(a.adjustments);
  const entries = [...acc.entries()].sort((a, b) => {
    if (a[0] === UNALLOCATED || b[0] === UNALLOCATED) return a[0] === UNALLOCATED ? 1 : -1;
    return sumOf(b[1]).cmp(sumOf(a[1])) || a[0].localeCompare(b[0]);
  });
  const totals = largestRemainder(entries.map(([, a]) => sumOf(a)));
  const teams = entries.map(([team, a], i): TeamTotal => {
    const [direct, , adjustments] = largestRemainder([a.direct, a.shared, a.adjustments]);
    const total = totals[i]!;
    const place = places.get(team);
    return {
      team,
      costCenter: place?.costCenter ?? null,
      businessUnit: place?.businessUnit ?? null,
      direct: direct!.toFixed(2),
      // Direct and adjustments are rounded with shared; shared is what is left of the team's total.
      shared: total.minus(direct!).minus(adjustments!).toFixed(2),
      adjustments: adjustments!.toFixed(2),
      total: total.toFixed(2),
    };
  });
  const sum = totals.reduce((s, t) => s.plus(t), new D(0));
  const unallocated = teams.find((t) => t.team === UNALLOCATED)?.total ?? '0.00';
  return { basis, teams, total: sum.toFixed(2), unallocated };
}
