import { Decimal } from 'decimal.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { regexSchema } from '../config/regex-schema.js';
import { readYamlFile } from '../config/yaml-file.js';

/** The explicit bucket for spend no rule matched. Never dropped, never a configured team. */
export const UNALLOCATED = 'Unallocated';

const period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM');
const name = z.string().trim().min(1);
const oneOrMany = z
  .union([name, z.array(name).min(1)])
  .transform((v) => (Array.isArray(v) ? v : [v]));

/** What a cost line must have for a rule or pool to apply: every condition given must hold. */
const conditionSchema = z
  .object({
    /** Tag key (as provided) → the value it must have; `*` means "present with any value". */
    tags: z.record(name, z.string()).optional(),
    provider: oneOrMany.optional(),
    billingAccount: oneOrMany.optional(),
    /** AWS account, Azure subscription, GCP project (FOCUS SubAccountId or SubAccountName). */
    subAccount: oneOrMany.optional(),
    service: oneOrMany.optional(),
    serviceCategory: oneOrMany.optional(),
    region: oneOrMany.optional(),
    chargeCategory: oneOrMany.optional(),
    /** Regular expressions, case-insensitive, on ResourceId / ResourceName. */
    resourceId: regexSchema.optional(),
    resourceName: regexSchema.optional(),
  })
  .strict();
export type Condition = z.infer<typeof conditionSchema>;

/** A literal value, or the value of a tag dimension (its key aliases, normalized by valueMaps). */
const valueSource = z.union([name, z.object({ tag: name }).strict()]);
export type ValueSource = z.infer<typeof valueSource>;

/**
 * `{ gpuOwner: true }`: a GPU machine's cost goes to the teams whose workloads (Kubernetes pods,
 * by namespace or label) held its GPUs, in proportion to the GPU-seconds they held; the GPU-seconds
 * nobody held go to the rule's `idle` team (or Unallocated).
 */
const gpuOwner = z.object({ gpuOwner: z.literal(true) }).strict();

const ruleSchema = z
  .object({
    name,
    when: conditionSchema.default({}),
    team: z.union([valueSource, gpuOwner]),
    /** gpuOwner rules: who pays for idle GPU capacity: a team, or a pool (default: Unallocated). */
    idle: z.union([name, z.object({ pool: name }).strict()]).optional(),
    product: valueSource.optional(),
    environment: valueSource.optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.idle && !(typeof r.team === 'object' && 'gpuOwner' in r.team))
      ctx.addIssue({ code: 'custom', path: ['idle'], message: 'only a gpuOwner rule has idle' });
  });
export type AllocationRule = z.infer<typeof ruleSchema>;

export const POOL_METHODS = ['even', 'proportional', 'fixed', 'metric'] as const;
export const COST_BASES = ['effective', 'billed'] as const;
export type CostBasisName = (typeof COST_BASES)[number];

const poolSchema = z
  .object({
    name,
    description: z.string().optional(),
    /** The cost lines that are this pool's; without it the pool only takes unused commitments. */
    when: conditionSchema.optional(),
    method: z.enum(POOL_METHODS),
    /** proportional: the teams' direct cost in this basis (default: the pool's own basis). */
    basis: z.enum(COST_BASES).optional(),
    /** fixed: team → percent; must add up to 100. */
    shares: z.record(name, z.union([z.number(), z.string()])).optional(),
    /** metric: `gpu-hours` (from GPU usage), or a business metric name. */
    metric: name.optional(),
    /** even / proportional / metric: the teams that share (default: every team with direct cost). */
    teams: z.array(name).optional(),
  })
  .strict()
  .superRefine((pool, ctx) => {
    if (pool.method === 'fixed') {
      if (!pool.shares || Object.keys(pool.shares).length === 0) {
        ctx.addIssue({ code: 'custom', path: ['shares'], message: 'a fixed pool needs shares' });
        return;
      }
      let sum = new Decimal(0);
      for (const [team, pct] of Object.entries(pool.shares)) {
        const d = safeDecimal(pct);
        if (!d || d.lte(0)) {
          ctx.addIssue({
            code: 'custom',
            path: ['shares', team],
            message: `"${pct}" is not a positive percent`,
          });
          return;
        }
        sum = sum.plus(d);
      }
      if (!sum.eq(100)) {
        ctx.addIssue({
          code: 'custom',
          path: ['shares'],
          message: `shares add up to ${sum.toString()}, not 100`,
        });
      }
    } else if (pool.shares) {
      ctx.addIssue({ code: 'custom', path: ['shares'], message: `only a fixed pool has shares` });
    }
    if (pool.method === 'metric' && !pool.metric) {
      ctx.addIssue({ code: 'custom', path: ['metric'], message: 'a metric pool names its metric' });
    }
  });
export type SharedPool = z.infer<typeof poolSchema>;

function safeDecimal(v: number | string): Decimal | null {
  try {
    const d = new Decimal(v);
    return d.isFinite() ? d : null;
  } catch {
    return null;
  }
}

const ruleSetSchema = z
  .object({
    version: name,
    effectiveFrom: period,
    /** Dimension → tag keys that carry it, first present wins (e.g. team: [team, Team, owner]). */
    tagKeys: z.record(name, z.array(name).min(1)).default({}),
    /** Dimension → tag value → canonical value (matched case- and space-insensitively). */
    valueMaps: z.record(name, z.record(z.string(), name)).default({}),
    rules: z.array(ruleSchema).default([]),
    pools: z.array(poolSchema).default([]),
    /**
     * Unused commitment cost (reservations and savings plans nobody used): a team, or a pool that
     * spreads it. Without it, it stays an explicit line in Unallocated.
     */
    unusedCommitments: z
      .union([z.object({ team: name }).strict(), z.object({ pool: name }).strict()])
      .optional(),
  })
  .strict();
export type RuleSet = z.infer<typeof ruleSetSchema>;

const teamSchema = z.union([
  name.transform((n) => ({ name: n, products: [] as string[] })),
  z.object({ name, products: z.array(name).default([]) }).strict(),
]);

const organisationSchema = z.array(
  z
    .object({
      businessUnit: name,
      costCenters: z.array(
        z
          .object({ costCenter: name, name: z.string().optional(), teams: z.array(teamSchema) })
          .strict(),
      ),
    })
    .strict(),
);

export interface TeamPlace {
  team: string;
  costCenter: string | null;
  costCenterName: string | null;
  businessUnit: string | null;
}

const fileSchema = z
  .object({
    organisation: organisationSchema.default([]),
    ruleSets: z.array(ruleSetSchema).min(1),
  })
  .strict()
  .superRefine((file, ctx) => {
    const teams = new Set<string>();
    file.organisation.forEach((bu, b) =>
      bu.costCenters.forEach((cc, c) =>
        cc.teams.forEach((t, i) => {
          if (t.name === UNALLOCATED || teams.has(t.name)) {
            ctx.addIssue({
              code: 'custom',
              path: ['organisation', b, 'costCenters', c, 'teams', i],
              message:
                t.name === UNALLOCATED
                  ? `"${UNALLOCATED}" is reserved`
                  : `team "${t.name}" appears twice`,
            });
          }
          teams.add(t.name);
        }),
      ),
    );
    const versions = new Set<string>();
    const starts = new Set<string>();
    file.ruleSets.forEach((set, s) => {
      if (versions.has(set.version))
        ctx.addIssue({
          code: 'custom',
          path: ['ruleSets', s, 'version'],
          message: `version "${set.version}" appears twice`,
        });
      if (starts.has(set.effectiveFrom))
        ctx.addIssue({
          code: 'custom',
          path: ['ruleSets', s, 'effectiveFrom'],
          message: `two rule sets start in ${set.effectiveFrom}`,
        });
      versions.add(set.version);
      starts.add(set.effectiveFrom);
      const pools = new Set(set.pools.map((p) => p.name));
      const known = (team: string, where: (string | number)[]) => {
        if (teams.size > 0 && !teams.has(team))
          ctx.addIssue({
            code: 'custom',
            path: ['ruleSets', s, ...where],
            message: `team "${team}" is not in the organisation`,
          });
      };
      set.rules.forEach((r, i) => {
        if (typeof r.team === 'string') known(r.team, ['rules', i, 'team']);
        if (typeof r.idle === 'string') known(r.idle, ['rules', i, 'idle']);
        if (typeof r.idle === 'object' && !pools.has(r.idle.pool))
          ctx.addIssue({
            code: 'custom',
            path: ['ruleSets', s, 'rules', i, 'idle', 'pool'],
            message: `no pool "${r.idle.pool}"`,
          });
      });
      set.pools.forEach((p, i) => {
        for (const t of Object.keys(p.shares ?? {})) known(t, ['pools', i, 'shares', t]);
        for (const t of p.teams ?? []) known(t, ['pools', i, 'teams']);
      });
      if (set.unusedCommitments && 'team' in set.unusedCommitments)
        known(set.unusedCommitments.team, ['unusedCommitments', 'team']);
      if (
        set.unusedCommitments &&
        'pool' in set.unusedCommitments &&
        !pools.has(set.unusedCommitments.pool)
      )
        ctx.addIssue({
          code: 'custom',
          path: ['ruleSets', s, 'unusedCommitments', 'pool'],
          message: `no pool "${set.unusedCommitments.pool}"`,
        });
    });
  });

export interface AllocationConfig {
  /** Where the rules came from: the file, or "built-in default". */
  origin: string;
  organisation: z.infer<typeof organisationSchema>;
  /** Oldest first. */
  ruleSets: RuleSet[];
}

/**
 * Without config/allocation.yaml: one rule set from the beginning of time that takes the team from
 * the `team` / `Team` / `owner` tag; everything else is Unallocated.
 */
export const DEFAULT_ALLOCATION: AllocationConfig = {
  origin: 'built-in default (no config/allocation.yaml)',
  organisation: [],
  ruleSets: [
    {
      version: 'default',
      effectiveFrom: '2000-01',
      tagKeys: { team: ['team', 'Team', 'owner'] },
      valueMaps: {},
      rules: [{ name: 'team tag', when: {}, team: { tag: 'team' } }],
      pools: [],
    },
  ],
};

export function readAllocationFile(file: string): AllocationConfig {
  const parsed = readYamlFile(file, fileSchema);
  return {
    origin: file,
    organisation: parsed.organisation,
    ruleSets: [...parsed.ruleSets].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom)),
  };
}

/** `config/allocation.yaml`, or the built-in default when there is none. */
export function loadAllocation(configDir: string): AllocationConfig {
  const file = path.join(configDir, 'allocation.yaml');
  return existsSync(file) ? readAllocationFile(file) : DEFAULT_ALLOCATION;
}

/** The rule set in force for a period: the latest whose effectiveFrom is not after it. */
export function ruleSetFor(config: AllocationConfig, forPeriod: string): RuleSet | null {
  let found: RuleSet | null = null;
  for (const set of config.ruleSets) if (set.effectiveFrom <= forPeriod) found = set;
  return found;
}

/** Each configured team's cost center and business unit. */
export function teamPlaces(config: AllocationConfig): Map<string, TeamPlace> {
  const places = new Map<string, TeamPlace>();
  for (const bu of config.organisation)
    for (const cc of bu.costCenters)
      for (const t of cc.teams)
        places.set(t.name, {
          team: t.name,
          costCenter: cc.costCenter,
          costCenterName: cc.name ?? null,
          businessUnit: bu.businessUnit,
        });
  return places;
}

/** True for a rule that splits GPU machines by their GPU owners. */
export const isGpuOwnerRule = (r: AllocationRule): boolean =>
  typeof r.team === 'object' && 'gpuOwner' in r.team;
