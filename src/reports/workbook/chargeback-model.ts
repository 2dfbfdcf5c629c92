import type { CostBasisName, TeamPlace } from '../../allocation/allocation-config.js';
import type { AllocationLine } from '../../allocation/allocation-engine.js';
import type { SourceFreshness } from '../../allocation/allocation-snapshots.js';
import { AllocationSummary, summarize } from '../../allocation/allocation-summary.js';
import type { UnitCost } from '../../allocation/unit-costs.js';
import type { TeamScope } from '../../auth/team-scope.js';
import { D, Dec } from '../../gpu/gpu-cost-split.js';

/** What the source (the bill) adds up to per provider and billing account. */
export interface SourceAccount {
  provider: string | null;
  billingAccountId: string | null;
  billingAccountName: string | null;
  effective: Dec;
  billed: Dec;
}

/** Everything the chargeback workbook shows. `lines` may be read twice (totals, then Detail). */
export interface ChargebackInput {
  period: string;
  basis: CostBasisName;
  currency: string | null;
  ruleSet: { version: string; effectiveFrom: string; origin: string; words: string[] };
  closed: { at: string; by: string } | null;
  generatedAt: Date;
  generatedBy: string;
  places: ReadonlyMap<string, TeamPlace>;
  lines: () => Iterable<AllocationLine>;
  /** The previous period's per-team totals in the same basis, or null when it has none. */
  previous: AllocationSummary | null;
  unitCosts: UnitCost[];
  /** Null for a lead: they see their teams, not the whole bill. */
  sourceAccounts: SourceAccount[] | null;
  freshness: SourceFreshness[];
  scope: TeamScope;
}

export interface Totals {
  effective: Dec;
  billed: Dec;
}

export interface ReconciliationRow {
  provider: string | null;
  billingAccountId: string | null;
  billingAccountName: string | null;
  source: Totals;
  adjustments: Totals;
  allocated: Totals;
}

export interface ChargebackModel {
  summary: AllocationSummary;
  teamService: { team: string; provider: string | null; service: string | null; amount: Dec }[];
  shared: {
    pool: string;
    method: string;
    basis: string;
    team: string;
    share: Dec;
    amount: Dec;
  }[];
  reconciliation: ReconciliationRow[] | null;
  detailRows: number;
}

export const inScope = (scope: TeamScope, team: string) =>
  scope.kind === 'all' || scope.teams.includes(team);

/** The input's lines a caller may see. */
export function* visibleLines(input: ChargebackInput): Iterable<AllocationLine> {
  for (const l of input.lines()) if (inScope(input.scope, l.team)) yield l;
}

const zero = (): Totals => ({ effective: new D(0), billed: new D(0) });
const add = (t: Totals, l: { effective: Dec; billed: Dec }) => {
  t.effective = t.effective.plus(l.effective);
  t.billed = t.billed.plus(l.billed);
};

/**
 * Lines merged by what the summary sheets show (team, kind, rule or pool, share, provider,
 * account, service, product): the Detail sheet streams every line, everything else reads these.
 */
function compact(lines: Iterable<AllocationLine>): { lines: AllocationLine[]; count: number } {
  const merged = new Map<string, AllocationLine>();
  let count = 0;
  for (const l of lines) {
    count++;
    const key = [
      l.team,
      l.kind,
      l.source,
      l.method,
      l.basis,
      l.weight,
      l.weightTotal,
      l.provider,
      l.billingAccountId,
      l.serviceName,
      l.product,
      l.restates,
    ].join('\u0001');
    const m = merged.get(key);
    if (m) {
      m.effective = m.effective.plus(l.effective);
      m.billed = m.billed.plus(l.billed);
      m.lines += l.lines;
    } else merged.set(key, { ...l });
  }
  return { lines: [...merged.values()], count };
}

/** One pass over the lines: every figure the workbook shows except the Detail rows themselves. */
export function chargebackModel(input: ChargebackInput): ChargebackModel {
  const { lines, count } = compact(visibleLines(input));
  const basis = input.basis;
  const summary = summarize(lines, basis, input.places);

  const byService = new Map<string, ChargebackModel['teamService'][number]>();
  const byPool = new Map<string, ChargebackModel['shared'][number]>();
  const byAccount = new Map<string, ReconciliationRow>();
  for (const l of lines) {
    const s = [l.team, l.provider, l.serviceName].join('\u0001');
    const ts = byService.get(s) ?? {
      team: l.team,
      provider: l.provider,
      service: l.serviceName,
      amount: new D(0),
    };
    ts.amount = ts.amount.plus(l[basis]);
    byService.set(s, ts);
    if (l.kind === 'shared') {
      const p = [l.source, l.team].join('\u0001');
      const sh = byPool.get(p) ?? {
        pool: l.source,
        method: l.method ?? '',
        basis: l.basis ?? '',
        team: l.team,
        share: new D(l.weight ?? 0).div(l.weightTotal ?? 1),
        amount: new D(0),
      };
      sh.amount = sh.amount.plus(l[basis]);
      byPool.set(p, sh);
    }
    const a = [l.provider, l.billingAccountId].join('\u0001');
    const r = byAccount.get(a) ?? {
      provider: l.provider,
      billingAccountId: l.billingAccountId,
      billingAccountName: l.billingAccountName,
      source: zero(),
      adjustments: zero(),
      allocated: zero(),
    };
    add(r.allocated, l);
    if (l.kind === 'adjustment') add(r.adjustments, l);
    byAccount.set(a, r);
  }
  let reconciliation: ReconciliationRow[] | null = null;
  if (input.sourceAccounts) {
    for (const s of input.sourceAccounts) {
      const a = [s.provider, s.billingAccountId].join('\u0001');
      const r = byAccount.get(a) ?? {
        provider: s.provider,
        billingAccountId: s.billingAccountId,
        billingAccountName: s.billingAccountName,
        source: zero(),
        adjustments: zero(),
        allocated: zero(),
      };
      add(r.source, s);
      byAccount.set(a, r);
    }
    reconciliation = [...byAccount.values()].sort(
      (x, y) =>
        (x.provider ?? '').localeCompare(y.provider ?? '') ||
        (x.billingAccountId ?? '').localeCompare(y.billingAccountId ?? ''),
    );
  }
  return {
    summary,
    teamService: [...byService.values()].sort(
      (x, y) => x.team.localeCompare(y.team) || y.amount.cmp(x.amount),
    ),
    shared: [...byPool.values()].sort(
      (x, y) => x.pool.localeCompare(y.pool) || y.amount.cmp(x.amount),
    ),
    reconciliation,
    detailRows: count,
  };
}
