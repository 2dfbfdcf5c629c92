import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { readYamlFile } from '../config/yaml-file.js';
import { secretRefSchema } from '../config/secret-ref.js';

const regions = z.array(z.string().min(1)).min(1);

/** Where current list prices come from (the bundled catalog's prices are replaced by these). */
const priceSource = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('azure-retail-prices'),
      regions,
      endpoint: z.url().default('https://prices.azure.com/api/retail/prices'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('aws-pricing'),
      regions,
      /** The Price List API's own region (us-east-1, eu-central-1 or ap-south-1). */
      apiRegion: z.string().default('us-east-1'),
      endpoint: z.url().optional(),
      credentials: z
        .object({
          accessKeyId: secretRefSchema,
          secretAccessKey: secretRefSchema,
          sessionToken: secretRefSchema.optional(),
        })
        .strict()
        .optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('gcp-billing-catalog'),
      regions,
      endpoint: z.url().optional(),
      serviceAccountKey: secretRefSchema.optional(),
    })
    .strict(),
]);
export type PriceSourceConfig = z.output<typeof priceSource>;

const fraction = z.number().min(0).max(1);
const money = z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal amount such as "0.023"');

const instrument = z
  .object({
    name: z.string().min(1),
    termYears: z.union([z.literal(1), z.literal(3)]),
    payment: z.enum(['no-upfront', 'partial-upfront', 'all-upfront']),
    /** Discount off on-demand (0–1). */
    discount: fraction,
  })
  .strict();

const tier = z
  .object({
    name: z.string().min(1),
    storagePerGbMonth: money,
    retrievalPerGb: money,
    /** Minimum storage duration in days (an early move out is billed for the rest). */
    minDays: z.number().int().min(0),
    /** One-time transition charge per GB moved into the tier (lifecycle requests, approximated). */
    transitionPerGb: money.default('0'),
    /** A pattern of the tier's storage meters (charge descriptions), to tell the current tier. */
    meter: z.string().optional(),
  })
  .strict();

/** Defaults follow ../shared/research/recommendations.md (AWS CO, Azure Advisor, GCP Recommender). */
export const recommendConfigSchema = z
  .object({
    lookbackDays: z.number().int().min(1).max(93).default(14),
    /** Price APIs to refresh the catalog's list prices from (before each daily run). */
    prices: z.array(priceSource).default([]),
    /** Proposals saving less than this a month are not made. */
    minMonthlySavings: money.default('1'),
    rightsizing: z
      .object({
        minHours: z.number().int().min(1).default(30),
        cpuHeadroom: fraction.default(0.2),
        memoryHeadroom: fraction.default(0.2),
        /** Families that may replace each other (a family not listed may only shrink within itself). */
        familyGroups: z.array(z.array(z.string().min(1)).min(1)).default([]),
        maxOptions: z.number().int().min(1).max(3).default(3),
      })
      .strict()
      .prefault({}),
    gpu: z
      .object({
        minHours: z.number().int().min(1).default(24),
        /** Activity below this is idle. */
        idleActivity: fraction.default(0.01),
        /** Idle GPU memory above this share means a process still holds state (higher risk). */
        idleMemory: fraction.default(0.05),
        /** Idle for this many whole days up to now: stop it. */
        idleDays: z.number().min(0.5).default(2),
        /** p95 activity below this is under-used (NVIDIA: < 0.5 is ineffective). */
        underusedActivity: fraction.default(0.5),
        /** A smaller GPU needs this many times the peak framebuffer in memory. */
        memoryHeadroom: z.number().min(1).default(1.3),
        /** A MIG slice needs this many times the peak framebuffer. */
        migMemoryHeadroom: z.number().min(1).default(1.2),
        /** Projected activity on the new GPU or slice may not exceed this. */
        targetActivity: fraction.default(0.8),
      })
      .strict()
      .prefault({}),
    idle: z
      .object({
        /** A machine whose CPU never exceeded this over the lookback is idle. */
        cpuMax: fraction.default(0.05),
        snapshotMaxAgeDays: z.number().int().min(1).default(90),
        /** A machine not billed for this many days is stopped; its disks are orphaned. */
        stoppedDays: z.number().min(1).default(3),
      })
      .strict()
      .prefault({}),
    spot: z
      .object({
        /** Tag keys and values that mark a workload interruptible. */
        labels: z
          .record(z.string(), z.array(z.string()))
          .default({ workload: ['batch', 'ci', 'training-with-checkpoints'] }),
        /** A machine billed at most this many hours that is gone by the window's end is short-lived. */
        shortLivedHours: z.number().min(1).default(24),
        /** Short-lived machines of one type, team and name stem that make a fleet worth proposing. */
        minFleet: z.number().int().min(2).default(3),
        /** Highest interruption class proposed (0 <5 %, 1 5–10 %, 2 10–15 %, …). */
        maxInterruptionBucket: z.number().int().min(0).max(4).default(2),
      })
      .strict()
      .prefault({}),
    commitments: z
      .object({
        /** At least this many hours of eligible usage before a commitment is proposed. */
        minHours: z.number().int().min(24).default(168),
        instruments: z.record(z.string(), z.array(instrument)).default({
          AWS: [
            { name: 'Compute Savings Plan', termYears: 1, payment: 'no-upfront', discount: 0.28 },
            { name: 'Compute Savings Plan', termYears: 1, payment: 'all-upfront', discount: 0.32 },
            { name: 'Compute Savings Plan', termYears: 3, payment: 'no-upfront', discount: 0.46 },
            { name: 'Compute Savings Plan', termYears: 3, payment: 'all-upfront', discount: 0.52 },
          ],
          Microsoft: [
            {
              name: 'Azure savings plan for compute',
              termYears: 1,
              payment: 'no-upfront',
              discount: 0.28,
            },
            {
              name: 'Azure savings plan for compute',
              termYears: 3,
              payment: 'no-upfront',
              discount: 0.47,
            },
          ],
          'Google Cloud': [
            {
              name: 'Flexible committed use discount',
              termYears: 1,
              payment: 'no-upfront',
              discount: 0.28,
            },
            {
              name: 'Flexible committed use discount',
              termYears: 3,
              payment: 'no-upfront',
              discount: 0.46,
            },
          ],
        }),
      })
      .strict()
      .prefault({}),
    verification: z
      .object({
        /** Days after implementation before measuring (the change settles, bills catch up). */
        settleDays: z.number().min(0).default(1),
        /** Days of cost after settling needed to measure the realized saving. */
        minDays: z.number().min(1).default(7),
      })
      .strict()
      .prefault({}),
    storage: z
      .object({
        /** Months over which one-time transition costs are spread. */
        horizonMonths: z.number().int().min(1).default(12),
        /** Storage classes per provider, warmest first (indicative list prices). */
        tiers: z.record(z.string(), z.array(tier).min(2)).default({
          AWS: [
            {
              name: 'S3 Standard',
              storagePerGbMonth: '0.023',
              retrievalPerGb: '0',
              minDays: 0,
              transitionPerGb: '0',
            },
            {
              name: 'S3 Standard-IA',
              meter: 'standard-ia|infrequent access|timedstorage-sia',
              storagePerGbMonth: '0.0125',
              retrievalPerGb: '0.01',
              minDays: 30,
              transitionPerGb: '0.01',
            },
            {
              name: 'S3 Glacier Instant Retrieval',
              meter: 'glacier instant|timedstorage-gir',
              storagePerGbMonth: '0.004',
              retrievalPerGb: '0.03',
              minDays: 90,
              transitionPerGb: '0.02',
            },
          ],
          Microsoft: [
            {
              name: 'Blob Hot',
              storagePerGbMonth: '0.0184',
              retrievalPerGb: '0',
              minDays: 0,
              transitionPerGb: '0',
            },
            {
              name: 'Blob Cool',
              meter: '\\bcool\\b',
              storagePerGbMonth: '0.01',
              retrievalPerGb: '0.01',
              minDays: 30,
              transitionPerGb: '0.01',
            },
            {
              name: 'Blob Cold',
              meter: '\\bcold\\b',
              storagePerGbMonth: '0.0036',
              retrievalPerGb: '0.03',
              minDays: 90,
              transitionPerGb: '0.018',
            },
          ],
          'Google Cloud': [
            {
              name: 'Standard',
              storagePerGbMonth: '0.02',
              retrievalPerGb: '0',
              minDays: 0,
              transitionPerGb: '0',
            },
            {
              name: 'Nearline',
              meter: 'nearline',
              storagePerGbMonth: '0.01',
              retrievalPerGb: '0.01',
              minDays: 30,
              transitionPerGb: '0.01',
            },
            {
              name: 'Coldline',
              meter: 'coldline',
              storagePerGbMonth: '0.004',
              retrievalPerGb: '0.02',
              minDays: 90,
              transitionPerGb: '0.02',
            },
          ],
        }),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type RecommendConfig = z.output<typeof recommendConfigSchema>;
export type CommitmentInstrument = z.output<typeof instrument>;
export type StorageTier = z.output<typeof tier>;

export const DEFAULT_RECOMMEND_CONFIG: RecommendConfig = recommendConfigSchema.parse({});

/** config/recommendations.yaml, or the documented defaults. */
export function loadRecommendConfig(configDir: string): RecommendConfig {
  const file = path.join(configDir, 'recommendations.yaml');
  return existsSync(file) ? readYamlFile(file, recommendConfigSchema) : DEFAULT_RECOMMEND_CONFIG;
}
