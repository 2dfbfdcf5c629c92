import type {
  AllocationRule,
  Condition,
  RuleSet,
  SharedPool,
  ValueSource,
} from '../../allocation/allocation-config.js';

const list = (v: readonly string[]) => v.map((x) => `"${x}"`).join(' or ');

/** A rule's or pool's filter in plain words: `service is "A" and tag team is present`. */
export function conditionInWords(c: Condition): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(c.tags ?? {}))
    parts.push(value === '*' ? `tag ${key} is present` : `tag ${key} is "${value}"`);
  const named: [keyof Condition, string][] = [
    ['provider', 'provider'],
    ['billingAccount', 'billing account'],
    ['subAccount', 'sub-account'],
    ['service', 'service'],
    ['serviceCategory', 'service category'],
    ['region', 'region'],
    ['chargeCategory', 'charge category'],
  ];
  for (const [key, label] of named) {
    const v = c[key] as string[] | undefined;
    if (v) parts.push(`${label} is ${list(v)}`);
  }
  if (c.resourceId) parts.push(`resource id matches /${c.resourceId}/i`);
  if (c.resourceName) parts.push(`resource name matches /${c.resourceName}/i`);
  return parts.length ? parts.join(' and ') : 'every cost line';
}

const valueInWords = (v: ValueSource) => (typeof v === 'string' ? `"${v}"` : `tag ${v.tag}`);

function ruleInWords(r: AllocationRule, i: number): string {
  const extra = [
    r.product ? `product ${valueInWords(r.product)}` : null,
    r.environment ? `environment ${valueInWords(r.environment)}` : null,
  ].filter(Boolean);
  const team =
    typeof r.team === 'object' && 'gpuOwner' in r.team
      ? `a GPU machine's cost to the teams that held its GPUs, by GPU-seconds (idle capacity to ${typeof r.idle === 'object' ? `pool ${r.idle.pool}` : (r.idle ?? 'Unallocated')})`
      : `team ${valueInWords(r.team)}`;
  return `${i + 1}. ${r.name}: when ${conditionInWords(r.when)}, ${team}${extra.length ? `, ${extra.join(', ')}` : ''}`;
}

function poolInWords(p: SharedPool): string {
  const how = {
    even: 'split evenly',
    proportional: `split in proportion to each team's direct ${p.basis === 'billed' ? 'BilledCost' : 'EffectiveCost'}`,
    fixed: `split by fixed percentages (${Object.entries(p.shares ?? {})
      .map(([t, pct]) => `${t} ${String(pct)}%`)
      .join(', ')})`,
    metric: `split by ${p.metric ?? 'a metric'}`,
  }[p.method];
  const among = p.teams ? ` among ${p.teams.join(', ')}` : '';
  const what = p.when ? `cost lines where ${conditionInWords(p.when)}` : 'unused commitments only';
  return `${p.name}: ${what}; ${how}${p.method === 'fixed' ? '' : among}`;
}

/** The rule set as numbered sentences: key aliases, rules in order, pools, unused commitments. */
export function ruleSetInWords(set: RuleSet): string[] {
  const out: string[] = [];
  for (const [dim, keys] of Object.entries(set.tagKeys))
    out.push(`Tag ${dim} is read from the first of: ${keys.join(', ')}`);
  for (const [dim, map] of Object.entries(set.valueMaps))
    out.push(
      `Tag ${dim} values mapped: ${Object.entries(map)
        .map(([a, b]) => `"${a.trim()}" → "${b}"`)
        .join(', ')}`,
    );
  out.push('Rules, first match wins:');
  set.rules.forEach((r, i) => out.push(ruleInWords(r, i)));
  out.push('What no rule matches is Unallocated.');
  if (set.pools.length) {
    out.push('Shared pools (decided before the rules):');
    for (const p of set.pools) out.push(poolInWords(p));
  }
  const c = set.unusedCommitments;
  out.push(
    c
      ? `Unused commitments go to ${'team' in c ? `team ${c.team}` : `pool ${c.pool}`}`
      : 'Unused commitments are Unallocated (no owner configured)',
  );
  return out;
}
