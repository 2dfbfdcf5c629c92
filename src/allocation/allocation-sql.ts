import type { Condition, RuleSet, ValueSource } from './allocation-config.js';

/** Collects bind parameters and hands back their placeholders. */
class Params {
  readonly values: unknown[];
  constructor(first: unknown[]) {
    this.values = [...first];
  }
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** Which way a cost line went: `p<i>` pool i, `r<i>` rule i, `c` unused commitment, `u` none. */
export type Target = `p${number}` | `r${number}` | 'c' | 'u';

/** EffectiveCost without commitment purchases (their cost is already on the usage they covered). */
export const EFFECTIVE_SQL = `CASE WHEN charge_category = 'Purchase' AND commitment_discount_id IS NOT NULL THEN 0 ELSE effective_cost END`;

/** The cost_record columns rules, pools and the grouping read. */
const LINE_COLUMNS = [
  'tags',
  'provider_name',
  'service_provider_name',
  'billing_account_id',
  'billing_account_name',
  'sub_account_id',
  'sub_account_name',
  'service_name',
  'service_category',
  'region_id',
  'region_name',
  'charge_category',
  'commitment_discount_status',
  'resource_id',
  'resource_name',
  'billed_cost',
];

function conditionSql(c: Condition, p: Params): string {
  const parts: string[] = [];
  const any = (cols: string[], values: string[]) => {
    const ph = p.add(values);
    parts.push(`(${cols.map((col) => `${col} = ANY(${ph}::text[])`).join(' OR ')})`);
  };
  for (const [key, value] of Object.entries(c.tags ?? {})) {
    parts.push(value === '*' ? `tags ? ${p.add(key)}` : `tags ->> ${p.add(key)} = ${p.add(value)}`);
  }
  if (c.provider) any(['provider_name', 'service_provider_name'], c.provider);
  if (c.billingAccount) any(['billing_account_id', 'billing_account_name'], c.billingAccount);
  if (c.subAccount) any(['sub_account_id', 'sub_account_name'], c.subAccount);
  if (c.service) any(['service_name'], c.service);
  if (c.serviceCategory) any(['service_category'], c.serviceCategory);
  if (c.region) any(['region_id', 'region_name'], c.region);
  if (c.chargeCategory) any(['charge_category'], c.chargeCategory);
  if (c.resourceId) parts.push(`resource_id ~* ${p.add(c.resourceId)}`);
  if (c.resourceName) parts.push(`resource_name ~* ${p.add(c.resourceName)}`);
  return parts.length ? parts.join(' AND ') : 'TRUE';
}

/** The tag dimensions a rule set reads values from (team, product, environment, …). */
export function tagDimensions(set: RuleSet): string[] {
  const dims = new Set<string>();
  for (const r of set.rules)
    for (const v of [r.team, r.product, r.environment])
      if (v && typeof v !== 'string') dims.add(v.tag);
  return [...dims].sort();
}

export interface CompiledRuleSet {
  /** Groups of one billing period: [target, dimension values…, provider, account, …, sums]. */
  sql: string;
  params: unknown[];
  dimensions: string[];
}

/**
 * One set-based query that sends every cost line of a period through the rule set (pools first,
 * then unused commitments, then rules in order, first match wins) and sums it by target, the
 * tag values the rules read, provider, billing account, sub-account and service. The database
 * does the per-line work; what comes back is small.
 */
export function compileRuleSet(
  set: RuleSet,
  knownTeams: readonly string[],
  period: string,
): CompiledRuleSet {
  const p = new Params([`${period}-01`]);
  const dims = tagDimensions(set);
  const dimCols = dims.map((d, i) => {
    const keys = set.tagKeys[d] ?? [d];
    const raw = `coalesce(${keys.map((k) => `tags ->> ${p.add(k)}`).join(', ')})`;
    const map: Record<string, string> = {};
    if (d === 'team') for (const t of knownTeams) map[t.toLowerCase()] = t;
    for (const [from, to] of Object.entries(set.valueMaps[d] ?? {}))
      map[from.trim().toLowerCase()] = to;
    return `nullif(coalesce(${p.add(JSON.stringify(map))}::jsonb ->> lower(btrim(${raw})), btrim(${raw})), '') AS d${i}`;
  });
  const dimRef = (tag: string) => `d${dims.indexOf(tag)}`;
  let teams: string | null = null;
  const present = (v: ValueSource | undefined, isTeam: boolean) => {
    if (!v || typeof v === 'string') return null;
    const col = dimRef(v.tag);
    if (!isTeam || knownTeams.length === 0) return `${col} IS NOT NULL`;
    teams ??= p.add(knownTeams);
    return `${col} = ANY(${teams}::text[])`;
  };

  const whens: string[] = [];
  set.pools.forEach((pool, i) => {
    if (pool.when) whens.push(`WHEN ${conditionSql(pool.when, p)} THEN 'p${i}'`);
  });
  whens.push(`WHEN commitment_discount_status = 'Unused' THEN 'c'`);
  set.rules.forEach((rule, i) => {
    const conds = [conditionSql(rule.when, p), present(rule.team, true)].filter(Boolean);
    whens.push(`WHEN ${conds.join(' AND ')} THEN 'r${i}'`);
  });
  const dimSelect = dims.map((_, i) => `d${i}`);
  const keys = [
    'target',
    ...dimSelect,
    'provider_name',
    'billing_account_id',
    'sub_account_id',
    'service_name',
  ];
  // The tag values are computed once per line (OFFSET 0 keeps the planner from inlining them
  // into every place they are used), then the CASE picks the target from plain columns.
  const sql = `
    SELECT ${keys.join(', ')}, max(billing_account_name) AS billing_account_name,
           max(sub_account_name) AS sub_account_name, max(service_category) AS service_category,
           sum(effective)::text AS effective, sum(billed_cost)::text AS billed,
           count(*)::int AS lines
      FROM (SELECT *, CASE ${whens.join(' ')} ELSE 'u' END AS target
              FROM (SELECT ${LINE_COLUMNS.join(', ')}, ${EFFECTIVE_SQL} AS effective
                           ${dimCols.length ? ', ' + dimCols.join(', ') : ''}
                      FROM cost_record WHERE billing_period = $1 OFFSET 0) x) c
     GROUP BY ${keys.join(', ')}`;
  return { sql, params: p.values, dimensions: dims };
}
