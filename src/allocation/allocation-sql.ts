import { Condition, isGpuOwnerRule, RuleSet, ValueSource } from './allocation-config.js';
import { D } from '../gpu/gpu-cost-split.js';
import type { CostGroup } from './allocation-engine.js';

/** Which way a cost line went: `p<i>` pool i, `r<i>` rule i, `c` unused commitment, `u` none. */
export type Target = `p${number}` | `r${number}` | 'c' | 'u';

/** EffectiveCost without commitment purchases (their cost is already on the usage they covered). */
export const EFFECTIVE_SQL = `CASE WHEN charge_category = 'Purchase' AND commitment_discount_id IS NOT NULL THEN 0 ELSE effective_cost END`;

/** The columns cost lines are grouped by; conditions on them are decided per group. */
const KEY_COLUMNS = [
  'provider_name',
  'billing_account_id',
  'sub_account_id',
  'service_name',
  'charge_category',
  // One value in any period allocation accepts; grouping is cheaper than min/max per line.
  'billing_currency',
] as const;
/** Names that follow from a grouped id (an account's name, a service's category). */
const NAME_COLUMNS = ['billing_account_name', 'sub_account_name', 'service_category'] as const;
type KeyColumn = (typeof KEY_COLUMNS)[number] | (typeof NAME_COLUMNS)[number];

/** One row of the grouping query. */
export type GroupRow = Record<KeyColumn, string | null> & {
  unused: boolean;
  /** A GPU machine's ResourceId (rule sets with GPU-owner rules only). */
  gpu_machine?: string | null;
  /** The line's ResourceId (per-resource compilations only). */
  resource_id?: string | null;
  effective: string | null;
  billed: string | null;
  lines: number;
  [column: `d${number}` | `a${number}`]: string | boolean | null;
};

type Test = (row: GroupRow) => boolean;

/** Collects bind parameters and the per-line conditions the database evaluates (atoms). */
class Builder {
  readonly params: unknown[];
  readonly atoms: string[] = [];
  constructor(period: string) {
    this.params = [`${period}-01`];
  }
  param(v: unknown): string {
    this.params.push(v);
    return `$${this.params.length}`;
  }
  /** A condition on columns that are not grouped: a boolean column of the query. */
  atom(sql: string): Test {
    let i = this.atoms.indexOf(sql);
    if (i < 0) i = this.atoms.push(sql) - 1;
    return (row) => row[`a${i}`] === true;
  }
}

function conditionTest(c: Condition, b: Builder): Test {
  const tests: Test[] = [];
  const inKeys = (cols: KeyColumn[], values: readonly string[]) => {
    const set = new Set(values);
    tests.push((row) => cols.some((col) => row[col] !== null && set.has(row[col])));
  };
  const anyOf = (cols: string[], values: readonly string[]) => {
    const ph = b.param(values);
    tests.push(b.atom(`(${cols.map((col) => `${col} = ANY(${ph}::text[])`).join(' OR ')})`));
  };
  for (const [key, value] of Object.entries(c.tags ?? {})) {
    tests.push(
      b.atom(
        value === '*'
          ? `tags ? ${b.param(key)}`
          : `coalesce(tags ->> ${b.param(key)} = ${b.param(value)}, false)`,
      ),
    );
  }
  if (c.provider) anyOf(['provider_name', 'service_provider_name'], c.provider);
  if (c.billingAccount) inKeys(['billing_account_id', 'billing_account_name'], c.billingAccount);
  if (c.subAccount) inKeys(['sub_account_id', 'sub_account_name'], c.subAccount);
  if (c.service) inKeys(['service_name'], c.service);
  if (c.serviceCategory) inKeys(['service_category'], c.serviceCategory);
  if (c.chargeCategory) inKeys(['charge_category'], c.chargeCategory);
  if (c.region) anyOf(['region_id', 'region_name'], c.region);
  if (c.resourceId) tests.push(b.atom(`coalesce(resource_id ~* ${b.param(c.resourceId)}, false)`));
  if (c.resourceName)
    tests.push(b.atom(`coalesce(resource_name ~* ${b.param(c.resourceName)}, false)`));
  return (row) => tests.every((t) => t(row));
}

/** The tag dimensions a rule set reads values from (team, product, environment, …). */
export function tagDimensions(set: RuleSet): string[] {
  const dims = new Set<string>();
  for (const r of set.rules)
    for (const v of [r.team, r.product, r.environment])
      if (v && typeof v !== 'string' && 'tag' in v) dims.add(v.tag);
  return [...dims].sort();
}

export interface CompiledRuleSet {
  sql: string;
  params: unknown[];
  dimensions: string[];
  /** Sends one group through the rule set: its target and its normalized tag values. */
  classify(row: GroupRow): CostGroup;
}

/**
 * The rule set as one set-based query plus a per-group decision. The database groups a period's
 * cost lines by provider, accounts, service and charge category, the raw values of the tags the
 * rules read, and the truth of each condition it alone can decide (regular expressions, tag
 * values, regions); each group then goes through pools, unused commitments and rules in order,
 * first match wins, here. Per line the database does only cheap work; what comes back is small.
 */
export function compileRuleSet(
  set: RuleSet,
  knownTeams: readonly string[],
  period: string,
  /** ResourceIds of the period's GPU machines, for GPU-owner rules. */
  gpuMachines: readonly string[] = [],
  /** Group by ResourceId too, to tell whose each resource is (recommendations). */
  perResource = false,
): CompiledRuleSet {
  const b = new Builder(period);
  const dims = tagDimensions(set);
  const dimSql = dims.map((d) => {
    const keys = set.tagKeys[d] ?? [d];
    return `coalesce(${keys.map((k) => `tags ->> ${b.param(k)}`).join(', ')})`;
  });
  const maps = dims.map((d) => {
    const map = new Map<string, string>();
    if (d === 'team') for (const t of knownTeams) map.set(t.toLowerCase(), t);
    for (const [from, to] of Object.entries(set.valueMaps[d] ?? {}))
      map.set(from.trim().toLowerCase(), to);
    return map;
  });
  const normalize = (raw: string | null, i: number) => {
    if (raw === null) return null;
    const v = maps[i]!.get(raw.trim().toLowerCase()) ?? raw.trim();
    return v === '' ? null : v;
  };
  const teams = new Set(knownTeams);
  const present = (
    v: ValueSource | undefined,
    isTeam: boolean,
  ): ((d: (string | null)[], row: GroupRow) => boolean) => {
    if (!v || typeof v === 'string') return () => true;
    const i = dims.indexOf(v.tag);
    return isTeam && teams.size > 0
      ? (d) => d[i] !== null && teams.has(d[i]!)
      : (d) => d[i] !== null;
  };

  const pools = set.pools.map((p, i) => ({
    target: `p${i}` as Target,
    test: p.when ? conditionTest(p.when, b) : () => false,
  }));
  // GPU-owner rules: the GPU machines' lines keep their ResourceId (all others group as null).
  const machines = set.rules.some(isGpuOwnerRule) ? b.param(gpuMachines) : null;
  const rules = set.rules.map((r, i) => ({
    target: `r${i}` as Target,
    test: conditionTest(r.when, b),
    teamPresent:
      typeof r.team === 'object' && 'gpuOwner' in r.team
        ? (_: unknown, row: GroupRow) => row.gpu_machine != null
        : present(r.team, true),
  }));

  const keys = [
    ...KEY_COLUMNS,
    ...(machines ? ['gpu_machine'] : []),
    ...(perResource ? ['resource_id'] : []),
    'unused',
    ...dims.map((_, i) => `d${i}`),
    ...b.atoms.map((_, i) => `a${i}`),
  ];
  const sql = `
    SELECT ${KEY_COLUMNS.join(', ')},
           ${NAME_COLUMNS.map((c) => `max(${c}) AS ${c},`).join(' ')}
           coalesce(commitment_discount_status = 'Unused', false) AS unused,
           ${machines ? `CASE WHEN resource_id = ANY(${machines}::text[]) THEN resource_id END AS gpu_machine,` : ''}
           ${perResource ? 'resource_id,' : ''}
           ${[...dimSql.map((s, i) => `${s} AS d${i}`), ...b.atoms.map((s, i) => `${s} AS a${i}`)].map((s) => `${s},`).join('\n           ')}
           sum(${EFFECTIVE_SQL})::text AS effective, sum(billed_cost)::text AS billed,
           count(*)::int AS lines
      FROM cost_record WHERE billing_period = $1
     GROUP BY ${keys.join(', ')}`;

  const classify = (row: GroupRow): CostGroup => {
    const d = dims.map((_, i) => normalize(row[`d${i}`] as string | null, i));
    const target =
      pools.find((p) => p.test(row))?.target ??
      (row.unused ? 'c' : (rules.find((r) => r.test(row) && r.teamPresent(d, row))?.target ?? 'u'));
    return {
      target,
      dims: d,
      gpuMachine: row.gpu_machine ?? null,
      provider: row.provider_name,
      billingAccountId: row.billing_account_id,
      billingAccountName: row.billing_account_name,
      subAccountId: row.sub_account_id,
      subAccountName: row.sub_account_name,
      serviceName: row.service_name,
      serviceCategory: row.service_category,
      effective: new D(row.effective ?? 0),
      billed: new D(row.billed ?? 0),
      lines: row.lines,
    };
  };
  return { sql, params: b.params, dimensions: dims, classify };
}
