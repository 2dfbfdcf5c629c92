import { D, Dec } from '../gpu/gpu-cost-split.js';
import type { MachineOwners } from '../gpu/gpu-machines.js';
import {
  AllocationRule,
  CostBasisName,
  isGpuOwnerRule,
  RuleSet,
  SharedPool,
  UNALLOCATED,
  ValueSource,
} from './allocation-config.js';
import type { Target } from './allocation-sql.js';

/** Where cost was incurred: provider, billing account, sub-account and service. */
export interface CostPlace {
  provider: string | null;
  billingAccountId: string | null;
  billingAccountName: string | null;
  subAccountId: string | null;
  subAccountName: string | null;
  serviceName: string | null;
  serviceCategory: string | null;
}

/** One group of cost lines as the rule-set query returns it. */
export interface CostGroup extends CostPlace {
  target: Target;
  /** Values of the rule set's tag dimensions, in compileRuleSet's order. */
  dims: (string | null)[];
  /** A GPU machine's ResourceId, when the rule set has GPU-owner rules. */
  gpuMachine: string | null;
  effective: Dec;
  billed: Dec;
  lines: number;
}

/** `adjustment`: a change to a closed period, booked in the first open period after it. */
export type LineKind = 'direct' | 'shared' | 'unallocated' | 'adjustment';

/** An allocated amount and where it came from. */
export interface AllocationLine extends CostPlace {
  team: string;
  product: string | null;
  environment: string | null;
  kind: LineKind;
  /** The rule's name (direct), the pool's name (shared), or why nobody got it (unallocated). */
  source: string;
  /** Shared lines: how the pool was split, on which basis, and this team's weight of the total. */
  method: SharedPool['method'] | null;
  basis: string | null;
  weight: string | null;
  weightTotal: string | null;
  effective: Dec;
  billed: Dec;
  /** Source cost lines behind a direct line; 0 on shares (the pool's lines are counted there). */
  lines: number;
  /** Adjustments: the closed period (YYYY-MM) they restate. */
  restates: string | null;
}

/** Per metric name, each team's value in the period (GPU-hours, requests, …). */
export type TeamMetrics = ReadonlyMap<string, ReadonlyMap<string, Dec>>;

/** Shares are kept to 12 places; the remainder goes to the largest weight, so they add up exactly. */
const PLACES = 12;

/** Splits `amount` by `weights` (all > 0) into parts that add up to `amount` exactly. */
export function splitExact(amount: Dec, weights: readonly Dec[]): Dec[] {
  const total = weights.reduce((s, w) => s.plus(w), new D(0));
  const parts = weights.map((w) =>
    amount.times(w).div(total).toDecimalPlaces(PLACES, D.ROUND_DOWN),
  );
  let largest = 0;
  weights.forEach((w, i) => {
    if (w.gt(weights[largest]!)) largest = i;
  });
  const rest = amount.minus(parts.reduce((s, p) => s.plus(p), new D(0)));
  parts[largest] = parts[largest]!.plus(rest);
  return parts;
}

function valueOf(v: ValueSource | undefined, g: CostGroup, dims: readonly string[]) {
  if (v === undefined) return null;
  return typeof v === 'string' ? v : (g.dims[dims.indexOf(v.tag)] ?? null);
}

const lineOf = (
  g: CostGroup,
  fields: Pick<AllocationLine, 'team' | 'product' | 'environment' | 'kind' | 'source'>,
): AllocationLine => ({
  ...fields,
  method: null,
  basis: null,
  weight: null,
  weightTotal: null,
  provider: g.provider,
  billingAccountId: g.billingAccountId,
  billingAccountName: g.billingAccountName,
  subAccountId: g.subAccountId,
  subAccountName: g.subAccountName,
  serviceName: g.serviceName,
  serviceCategory: g.serviceCategory,
  effective: g.effective,
  billed: g.billed,
  lines: g.lines,
  restates: null,
});

const unallocated = (g: CostGroup, source: string) =>
  lineOf(g, { team: UNALLOCATED, product: null, environment: null, kind: 'unallocated', source });

/**
 * The team a group's cost is charged to directly: its rule's team (for a GPU-owner rule, the
 * team that held the machine's GPUs longest) or the unused-commitment team; null when the cost
 * goes to a shared pool or nobody.
 */
export function directTeam(
  set: RuleSet,
  dims: readonly string[],
  g: CostGroup,
  gpuOwners: ReadonlyMap<string, MachineOwners> = new Map(),
): string | null {
  const kind = g.target[0];
  if (kind === 'c') {
    const c = set.unusedCommitments;
    return c && 'team' in c ? c.team : null;
  }
  if (kind !== 'r') return null;
  const rule = set.rules[Number(g.target.slice(1))]!;
  if (isGpuOwnerRule(rule)) {
    const teams = [...(gpuOwners.get(g.gpuMachine!)?.teams ?? [])];
    teams.sort(([a, x], [b, y]) => y.cmp(x) || a.localeCompare(b));
    return teams[0]?.[0] ?? (typeof rule.idle === 'string' ? rule.idle : null);
  }
  return valueOf(rule.team as ValueSource, g, dims);
}

/**
 * Turns the period's cost groups into allocation lines: rule matches are direct cost of their
 * team, unmatched cost is Unallocated, and each shared pool is split over its teams by its
 * method. Pools are split on the teams' direct cost only (never on other pools' shares). Both
 * cost bases add up exactly to the groups they came from.
 */
export function allocate(
  set: RuleSet,
  dims: readonly string[],
  groups: readonly CostGroup[],
  metrics: TeamMetrics,
  gpuOwners: ReadonlyMap<string, MachineOwners> = new Map(),
): AllocationLine[] {
  const out: AllocationLine[] = [];
  const poolGroups = set.pools.map(() => [] as CostGroup[]);
  const commitments = set.unusedCommitments;
  for (const g of groups) {
    const kind = g.target[0];
    if (kind === 'p') {
      poolGroups[Number(g.target.slice(1))]!.push(g);
    } else if (kind === 'r' && isGpuOwnerRule(set.rules[Number(g.target.slice(1))]!)) {
      const rule = set.rules[Number(g.target.slice(1))]!;
      const split = splitByGpuOwners(rule, g, dims, gpuOwners);
      out.push(...split.lines);
      if (split.idle && typeof rule.idle === 'object') {
        const pool = set.pools.findIndex((p) => p.name === (rule.idle as { pool: string }).pool);
        poolGroups[pool]!.push(split.idle);
      }
    } else if (kind === 'r') {
      const rule = set.rules[Number(g.target.slice(1))]!;
      out.push(
        lineOf(g, {
          team: valueOf(rule.team as ValueSource, g, dims) ?? UNALLOCATED,
          product: valueOf(rule.product, g, dims),
          environment: valueOf(rule.environment, g, dims),
          kind: 'direct',
          source: rule.name,
        }),
      );
    } else if (kind === 'c' && commitments && 'pool' in commitments) {
      poolGroups[set.pools.findIndex((p) => p.name === commitments.pool)]!.push(g);
    } else if (kind === 'c' && commitments && 'team' in commitments) {
      const team = commitments.team;
      out.push(
        lineOf(g, {
          team,
          product: null,
          environment: null,
          kind: 'direct',
          source: 'unused commitment',
        }),
      );
    } else {
      out.push(unallocated(g, kind === 'c' ? 'unused commitment' : 'no rule matched'));
    }
  }

  const direct = { effective: new Map<string, Dec>(), billed: new Map<string, Dec>() };
  for (const l of out) {
    if (l.team === UNALLOCATED) continue;
    direct.effective.set(l.team, (direct.effective.get(l.team) ?? new D(0)).plus(l.effective));
    direct.billed.set(l.team, (direct.billed.get(l.team) ?? new D(0)).plus(l.billed));
  }
  set.pools.forEach((pool, i) => {
    if (poolGroups[i]!.length > 0)
      out.push(...splitPool(pool, mergeByPlace(poolGroups[i]!), direct, metrics));
  });
  return out;
}

/**
 * A GPU machine's cost split over the teams that held its GPUs, by GPU-seconds held; the
 * GPU-seconds nobody held are idle capacity, paid by the rule's `idle` team or Unallocated.
 */
function splitByGpuOwners(
  rule: AllocationRule,
  g: CostGroup,
  dims: readonly string[],
  owners: ReadonlyMap<string, MachineOwners>,
): { lines: AllocationLine[]; idle: CostGroup | null } {
  const o = owners.get(g.gpuMachine!);
  const idleTeam = typeof rule.idle === 'string' ? rule.idle : UNALLOCATED;
  const parts: [string, Dec, boolean][] = [...(o?.teams ?? [])]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([team, seconds]) => [team, seconds, false]);
  if (o && o.idle.gt(0)) parts.push([idleTeam, o.idle, true]);
  const kept = parts.filter(([, w]) => w.gt(0));
  if (kept.length === 0)
    return { lines: [unallocated(g, `${rule.name}: no GPU usage on the machine`)], idle: null };
  const base = {
    product: valueOf(rule.product, g, dims),
    environment: valueOf(rule.environment, g, dims),
  };
  const weightTotal = kept.reduce((s, [, w]) => s.plus(w), new D(0));
  const effective = splitExact(
    g.effective,
    kept.map(([, w]) => w),
  );
  const billed = splitExact(
    g.billed,
    kept.map(([, w]) => w),
  );
  const lines: AllocationLine[] = [];
  let idle: CostGroup | null = null;
  for (const [i, [team, w, isIdle]] of kept.entries()) {
    // Idle capacity for a pool: a cost group of its own, split with the pool's other cost.
    if (isIdle && typeof rule.idle === 'object') {
      idle = { ...g, effective: effective[i]!, billed: billed[i]!, lines: 0 };
      continue;
    }
    lines.push({
      ...lineOf(g, {
        team,
        ...base,
        kind: isIdle && team === UNALLOCATED ? 'unallocated' : 'direct',
        source: isIdle ? `${rule.name}: idle GPU capacity` : rule.name,
      }),
      method: 'metric',
      basis: isIdle
        ? `GPU-seconds nobody held on ${g.gpuMachine}`
        : `GPU-seconds held on ${g.gpuMachine}`,
      weight: w.toString(),
      weightTotal: weightTotal.toString(),
      effective: effective[i]!,
      billed: billed[i]!,
      lines: 0,
    });
  }
  // The machine's cost lines are counted once, on its first part.
  if (lines[0]) lines[0].lines = g.lines;
  else if (idle) idle.lines = g.lines;
  return { lines, idle };
}

/**
 * A pool's lines by provider, account and service only: the tag values the rules read do not
 * matter to a pool, and each group is split over every team.
 */
function mergeByPlace(groups: readonly CostGroup[]): CostGroup[] {
  const merged = new Map<string, CostGroup>();
  for (const g of groups) {
    const key = [g.provider, g.billingAccountId, g.subAccountId, g.serviceName].join('\u0001');
    const m = merged.get(key);
    if (m) {
      m.effective = m.effective.plus(g.effective);
      m.billed = m.billed.plus(g.billed);
      m.lines += g.lines;
    } else merged.set(key, { ...g, dims: [] });
  }
  return [...merged.values()];
}

interface Weights {
  basis: string;
  teams: string[];
  weights: Dec[];
}

function poolWeights(
  pool: SharedPool,
  direct: Record<CostBasisName, Map<string, Dec>>,
  metrics: TeamMetrics,
): Weights {
  const candidates = pool.teams ?? [...direct.effective.keys()].sort();
  let pairs: [string, Dec][];
  let basis: string;
  switch (pool.method) {
    case 'fixed':
      pairs = Object.entries(pool.shares!).map(([t, pct]) => [t, new D(pct)]);
      basis = 'fixed percent';
      break;
    case 'even':
      pairs = candidates.map((t) => [t, new D(1)]);
      basis = 'one share per team';
      break;
    case 'proportional': {
      const b = pool.basis ?? 'effective';
      pairs = candidates.map((t) => [t, direct[b].get(t) ?? new D(0)]);
      basis = `direct ${b === 'effective' ? 'EffectiveCost' : 'BilledCost'}`;
      break;
    }
    case 'metric': {
      const values = metrics.get(pool.metric!) ?? new Map<string, Dec>();
      pairs = (pool.teams ?? [...values.keys()].sort()).map((t) => [t, values.get(t) ?? new D(0)]);
      basis = pool.metric!;
      break;
    }
  }
  const kept = pairs.filter(([, w]) => w.gt(0));
  return { basis, teams: kept.map(([t]) => t), weights: kept.map(([, w]) => w) };
}

/**
 * Splits each of a pool's cost groups over the pool's teams, both bases by the same weights, so
 * every share keeps its provider, account and service. With nobody to share with (no weights),
 * the pool stays visible as Unallocated.
 */
function splitPool(
  pool: SharedPool,
  groups: readonly CostGroup[],
  direct: Record<CostBasisName, Map<string, Dec>>,
  metrics: TeamMetrics,
): AllocationLine[] {
  const w = poolWeights(pool, direct, metrics);
  const out: AllocationLine[] = [];
  if (w.teams.length === 0) {
    const source = `${pool.name}: no team to share it with (${w.basis})`;
    for (const g of groups) out.push(unallocated(g, source));
    return out;
  }
  const weightTotal = w.weights.reduce((s, x) => s.plus(x), new D(0)).toString();
  for (const g of groups) {
    const effective = splitExact(g.effective, w.weights);
    const billed = splitExact(g.billed, w.weights);
    w.teams.forEach((team, i) =>
      out.push({
        ...lineOf(g, { team, product: null, environment: null, kind: 'shared', source: pool.name }),
        method: pool.method,
        basis: w.basis,
        weight: w.weights[i]!.toString(),
        weightTotal,
        effective: effective[i]!,
        billed: billed[i]!,
        lines: 0,
      }),
    );
  }
  return out;
}

/** What lines add up to, in both bases. */
export function lineTotals(lines: readonly AllocationLine[]): { effective: Dec; billed: Dec } {
  let effective = new D(0);
  let billed = new D(0);
  for (const l of lines) {
    effective = effective.plus(l.effective);
    billed = billed.plus(l.billed);
  }
  return { effective, billed };
}
