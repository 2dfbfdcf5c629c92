import type {
  AllocationConfig,
  RuleSet,
  SharedPool,
} from '../../src/allocation/allocation-config.js';
import type { TestLine } from './focus-lines.js';

export const TEAMS = ['t0', 't1', 't2', 't3', 't4', 't5'];
const ACCOUNTS = ['a1', 'a2', 'a3', 'a4'];
const SERVICES = ['s1', 's2', 's3', 's4', 's5'];

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
/** An amount with up to 10 decimals, sometimes negative (credits), sometimes zero. */
const amount = (r: Rand) => {
  const v = (r() * 2000 - 200).toFixed(Math.floor(r() * 11));
  return r() < 0.05 ? '0' : v;
};

export function randomLines(r: Rand, n: number): TestLine[] {
  return Array.from({ length: n }, (): TestLine => {
    const tags: Record<string, string> = {};
    if (r() < 0.6)
      tags[pick(r, ['team', 'Team', 'owner'])] = pick(r, [...TEAMS, 'T1', ' t2 ', 'ghost']);
    if (r() < 0.3) tags['env'] = pick(r, ['prod', 'dev']);
    const kind = r();
    const billed = amount(r);
    const line: TestLine = {
      billed,
      effective: kind < 0.1 ? '0' : amount(r),
      subAccount: pick(r, ACCOUNTS),
      service: pick(r, SERVICES),
      resourceName: r() < 0.5 ? `${pick(r, ['web', 'train', 'db'])}-${Math.floor(r() * 9)}` : '',
      tags: Object.keys(tags).length ? tags : undefined,
    };
    if (kind < 0.05) Object.assign(line, { category: 'Purchase', commitmentId: 'c-1' });
    else if (kind < 0.1)
      Object.assign(line, {
        commitmentId: 'c-1',
        commitmentStatus: 'Unused',
        billed: '0',
        effective: amount(r),
      });
    else if (kind < 0.15) Object.assign(line, { category: 'Tax' });
    return line;
  });
}

function randomPool(r: Rand, i: number): SharedPool {
  const method = pick(r, ['even', 'proportional', 'fixed', 'metric'] as const);
  const when =
    r() < 0.2
      ? undefined
      : r() < 0.5
        ? { service: [pick(r, SERVICES)] }
        : { chargeCategory: ['Tax'] };
  const pool: SharedPool = { name: `pool-${i}`, when, method };
  if (method === 'fixed') {
    const [a, b] = [pick(r, TEAMS), pick(r, TEAMS)];
    pool.shares = a === b ? { [a]: 100 } : { [a]: '33.3', [b]: '66.7' };
  }
  if (method === 'proportional' && r() < 0.5)
    pool.basis = pick(r, ['effective', 'billed'] as const);
  if (method === 'metric') pool.metric = 'gpu-hours';
  if (method !== 'fixed' && r() < 0.3)
    pool.teams = [pick(r, TEAMS), pick(r, TEAMS)].filter((t, j, a) => a.indexOf(t) === j);
  return pool;
}

export function randomRules(r: Rand): AllocationConfig {
  const pools = Array.from({ length: Math.floor(r() * 4) }, (_, i) => randomPool(r, i));
  const rules: RuleSet['rules'] = Array.from({ length: Math.floor(r() * 6) }, (_, i) => {
    const when: RuleSet['rules'][number]['when'] = {};
    if (r() < 0.4) when.subAccount = [pick(r, ACCOUNTS)];
    if (r() < 0.3) when.service = [pick(r, SERVICES), pick(r, SERVICES)];
    if (r() < 0.3) when.resourceName = pick(r, ['^train', 'db-[0-4]$', 'WEB']);
    if (r() < 0.2) when.tags = { env: pick(r, ['prod', '*']) };
    return {
      name: `rule-${i}`,
      when,
      team: r() < 0.4 ? { tag: 'team' } : pick(r, TEAMS),
      environment: r() < 0.3 ? { tag: 'env' } : undefined,
    };
  });
  const withOrg = r() < 0.5;
  const unused =
    pools.length && r() < 0.5
      ? { pool: pick(r, pools).name }
      : r() < 0.5
        ? { team: pick(r, TEAMS) }
        : undefined;
  return {
    origin: 'random',
    organisation: withOrg
      ? [
          {
            businessUnit: 'bu',
            costCenters: [
              { costCenter: 'cc', teams: TEAMS.map((name) => ({ name, products: [] })) },
            ],
          },
        ]
      : [],
    ruleSets: [
      {
        version: 'random',
        effectiveFrom: '2024-01',
        tagKeys: { team: ['team', 'Team', 'owner'] },
        valueMaps: r() < 0.5 ? { team: { T1: 't1' } } : {},
        rules,
        pools,
        unusedCommitments: unused,
      },
    ],
  };
}
