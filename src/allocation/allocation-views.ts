import { D } from '../gpu/gpu-cost-split.js';
import { CostBasisName } from './allocation-config.js';
import { AllocationLine, lineTotals } from './allocation-engine.js';
import type { Allocation } from './allocation.service.js';
import { AllocationSummary, summarize } from './allocation-summary.js';
import type { TeamScope } from '../auth/team-scope.js';

export interface AllocationReport extends Omit<AllocationSummary, 'unallocated'> {
  period: string;
  ruleSet: Allocation['ruleSet'];
  /** Spend no rule placed; null for a lead (organisation-wide, not one of their teams). */
  unallocated: string | null;
  /**
   * The period's cost lines as the database sums them: allocated totals equal these plus
   * adjustments. Null for a lead: the organisation's totals are not theirs to see.
   */
  source: { effective: string; billed: string; lines: number } | null;
  /** Restatements of earlier closed periods booked in this one (a lead: their teams'). */
  adjustments: { effective: string; billed: string };
  /** When the period was closed (its figures are frozen), or null while it is open. */
  closed: { at: string; by: string } | null;
}

const inScope = (scope: TeamScope, team: string) =>
  scope.kind === 'all' || scope.teams.includes(team);

/**
 * Per-team totals in one basis. A lead sees only their teams, each as rounded for the whole
 * organisation (the same figure finance sees), and their sum; nothing organisation-wide.
 */
export function allocationReport(
  a: Allocation,
  basis: CostBasisName,
  scope: TeamScope,
): AllocationReport {
  const summary = summarize(a.lines, basis, a.places);
  const head = {
    period: a.period,
    ruleSet: a.ruleSet,
    closed: a.closed ? { at: a.closed.closedAt, by: a.closed.closedBy } : null,
  };
  if (scope.kind === 'all') {
    return {
      ...head,
      ...summary,
      source: {
        effective: a.source.effective.toString(),
        billed: a.source.billed.toString(),
        lines: a.source.lines,
      },
      adjustments: adjustmentTotals(a.lines),
    };
  }
  const teams = summary.teams.filter((t) => inScope(scope, t.team));
  return {
    ...head,
    basis,
    teams,
    total: teams.reduce((s, t) => s.plus(t.total), new D(0)).toFixed(2),
    unallocated: null,
    source: null,
    adjustments: adjustmentTotals(a.lines.filter((l) => inScope(scope, l.team))),
  };
}

function adjustmentTotals(lines: readonly AllocationLine[]) {
  const t = lineTotals(lines.filter((l) => l.kind === 'adjustment'));
  return { effective: t.effective.toString(), billed: t.billed.toString() };
}

const where = (l: AllocationLine) => ({
  provider: l.provider,
  billingAccountId: l.billingAccountId,
  subAccountId: l.subAccountId,
  subAccountName: l.subAccountName,
  service: l.serviceName,
});

export interface AllocationExplanation {
  period: string;
  team: string;
  ruleSet: Allocation['ruleSet'];
  effective: string;
  billed: string;
  /** Cost lines matched to the team, by rule, provider, account and service (exact amounts). */
  direct: (ReturnType<typeof where> & {
    rule: string;
    /** Adjustments: the closed period this amount restates. */
    restates: string | null;
    product: string | null;
    environment: string | null;
    lines: number;
    effective: string;
    billed: string;
  })[];
  /** The team's share of each pool's cost, with the method, basis and weight it was split by. */
  shared: (ReturnType<typeof where> & {
    pool: string;
    method: string;
    basis: string;
    weight: string;
    weightTotal: string;
    share: string;
    effective: string;
    billed: string;
  })[];
}

/** Every amount allocated to one team and where it came from: rules and pool shares. */
export function explain(a: Allocation, team: string): AllocationExplanation {
  const lines = a.lines.filter((l) => l.team === team);
  const sum = (basis: CostBasisName) =>
    lines.reduce((s, l) => s.plus(l[basis]), new D(0)).toString();
  const byAmount = (x: { effective: string }, y: { effective: string }) =>
    new D(y.effective).cmp(x.effective);
  return {
    period: a.period,
    team,
    ruleSet: a.ruleSet,
    effective: sum('effective'),
    billed: sum('billed'),
    direct: lines
      .filter((l) => l.kind !== 'shared')
      .map((l) => ({
        rule: l.source,
        restates: l.restates,
        product: l.product,
        environment: l.environment,
        ...where(l),
        lines: l.lines,
        effective: l.effective.toString(),
        billed: l.billed.toString(),
      }))
      .sort(byAmount),
    shared: lines
      .filter((l) => l.kind === 'shared')
      .map((l) => ({
        pool: l.source,
        method: l.method!,
        basis: l.basis!,
        weight: l.weight!,
        weightTotal: l.weightTotal!,
        share: new D(l.weight!).div(l.weightTotal!).toSignificantDigits(10).toString(),
        ...where(l),
        effective: l.effective.toString(),
        billed: l.billed.toString(),
      }))
      .sort(byAmount),
  };
}
