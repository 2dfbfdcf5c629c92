import { existsSync } from 'node:fs';
import path from 'node:path';
import { validateCronExpression } from 'cron';
import { z } from 'zod';
import type { ClaimMapping } from '../auth/oidc-claims.js';
import { parseDuration } from '../auth/roles.js';
import { assertTimeZone } from '../ingestion/gpu/wall-clock.js';
import { AllocationConfig, loadAllocation } from '../allocation/allocation-config.js';
import { loadRecommendConfig, RecommendConfig } from '../recommendations/recommend-config.js';
import { secretRefSchema } from './secret-ref.js';
import { ConfigError } from './config-error.js';
import { regexSchema } from './regex-schema.js';
import { readYamlFile } from './yaml-file.js';

/** Raised when configuration is invalid; names the file or variable and the key. */
export { ConfigError };

/** Cron in UTC, five or six fields (e.g. every six hours); checked when the config is read. */
const cronSchema = z.string().superRefine((expr, ctx) => {
  const { valid, error } = validateCronExpression(expr);
  if (!valid)
    ctx.addIssue({
      code: 'custom',
      message: `not a cron expression (${String(error?.message ?? error)})`,
    });
});

/** Fields every source kind shares. */
const common = {
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lower-case letters, digits, ".", "_" or "-"'),
  /** When to run (UTC); without it the source runs only on demand. */
  schedule: cronSchema.optional(),
  /** Days after a month ends during which its data is still re-imported (providers restate). */
  restatementDays: z.number().int().min(0).max(31).default(5),
  enabled: z.boolean().default(true),
};

const secretRef = secretRefSchema;

/** Base URL replacing the provider's (sovereign clouds, proxies, private endpoints). */
const endpoint = z.string().url().optional();

/** Paid API requests one run may make before it stops with an error (cost guard). */
const maxRequests = z.number().int().min(1).max(100_000).default(500);

const tagKey = z.string().min(1).max(128);

const focusFileSource = z
  .object({
    ...common,
    kind: z.literal('focus-file'),
    /** The file a provider export lands in (CSV, CSV.gz or Parquet). */
    path: z.string().min(1),
  })
  .strict();

const awsSource = z
  .object({
    ...common,
    kind: z.literal('aws-cost-explorer'),
    endpoint,
    /** Signing region of Cost Explorer (us-east-1; cn-northwest-1 for China). */
    region: z.string().min(1).default('us-east-1'),
    /** Without credentials the AWS default chain is used (env, profile, instance role). */
    credentials: z
      .object({
        accessKeyId: secretRef,
        secretAccessKey: secretRef,
        sessionToken: secretRef.optional(),
      })
      .strict()
      .optional(),
    /** Dimensions kept on each row, drilled two at a time (GetCostAndUsage groups by at most two). */
    groupBy: z
      .array(z.string().regex(/^[A-Z_]+$/, 'a Cost Explorer dimension such as SERVICE'))
      .min(1)
      .default(['LINKED_ACCOUNT', 'REGION', 'SERVICE', 'USAGE_TYPE']),
    /** Cost allocation tag keys that become Tags. */
    tagKeys: z.array(tagKey).default([]),
    /** The payer account, stored as BillingAccountId (Cost Explorer does not return it). */
    billingAccountId: z.string().min(1).optional(),
    /** Read a billing view (e.g. a custom or primary view ARN) instead of the account's own. */
    billingViewArn: z.string().startsWith('arn:').optional(),
    maxRequests,
  })
  .strict();

const azureSource = z
  .object({
    ...common,
    kind: z.literal('azure-cost-management'),
    /** e.g. subscriptions/<id> or providers/Microsoft.Billing/billingAccounts/<id> (no leading "/"). */
    scope: z
      .string()
      .min(1)
      .transform((s) => s.replace(/^\/+/, '')),
    endpoint,
    apiVersion: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}(-preview)?$/)
      .default('2023-11-01'),
    /** Service principal; without it DefaultAzureCredential is used (managed identity, CLI, env). */
    credentials: z
      .object({
        tenantId: z.string().min(1),
        clientId: z.string().min(1),
        clientSecret: secretRef,
        /** Sovereign clouds: e.g. https://login.microsoftonline.us */
        authorityHost: z.string().url().optional(),
      })
      .strict()
      .optional(),
    groupBy: z
      .array(z.string().regex(/^[A-Za-z]+$/, 'a Cost Management dimension such as ServiceName'))
      .min(1)
      .default(['SubscriptionId', 'ResourceLocation', 'ResourceId', 'ServiceName']),
    tagKeys: z.array(tagKey).default([]),
    maxRequests,
  })
  .strict();

const gcpSource = z
  .object({
    ...common,
    kind: z.literal('gcp-billing-export'),
    /** The export table, `project.dataset.gcp_billing_export_resource_v1_XXXXXX_XXXXXX_XXXXXX`. */
    table: z.string().regex(/^[a-z0-9.-]+\.[A-Za-z0-9_]+\.[A-Za-z0-9_]+$/, 'project.dataset.table'),
    /** Project that runs (and pays for) the query; defaults to the table's project. */
    projectId: z.string().min(1).optional(),
    location: z.string().min(1).optional(),
    endpoint,
    /** Cloud Billing catalog endpoint (list prices); the public one when not set. */
    catalogEndpoint: endpoint,
    /** Look up list prices in the Cloud Billing catalog for rows the export gives none. */
    catalog: z.boolean().default(true),
    /** Service-account key JSON (`${file:/key.json}`); without it Application Default Credentials. */
    serviceAccountKey: secretRef.optional(),
  })
  .strict();

/** Labels naming a GPU owner's team, first present wins (kube-state-metrics `label_team`, …). */
const teamLabels = z.array(z.string().min(1)).default(['team', 'label_team']);
/** A label carrying the node's provider resource id (e.g. relabelled from node metadata). */
const resourceIdLabel = z.string().min(1).optional();
/** Host name → ResourceId rules for machines whose names do not carry the id; first match wins. */
const resourceIdRules = z
  .array(
    z
      .object({
        host: regexSchema,
        resourceId: z.string().min(1),
      })
      .strict(),
  )
  .default([]);

/** HTTP credentials for Prometheus or an exporter: a bearer token or basic auth, from env/file. */
const httpAuth = z
  .union([
    z.object({ bearerToken: secretRef }).strict(),
    z.object({ username: z.string().min(1), password: secretRef }).strict(),
  ])
  .optional();

const prometheusSource = z
  .object({
    ...common,
    kind: z.literal('prometheus'),
    /** Prometheus (or a compatible API: Thanos, Mimir, managed Prometheus) base URL. */
    url: z.string().url(),
    auth: httpAuth,
    /** Resolution of query_range in seconds (1–5 minutes). */
    step: z.number().int().min(60).max(300).default(60),
    /** Hours each scheduled run re-reads (completed hours only); older hours are kept as stored. */
    lookbackHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 62)
      .default(48),
    /** Hours per query_range request; capped so no series exceeds 11,000 points. */
    chunkHours: z.number().int().min(1).max(183).default(24),
    /** Label matchers added to every DCGM query, e.g. `cluster="prod"`. */
    selector: z
      .string()
      .regex(/^[^{}]*$/, 'label matchers without braces, e.g. cluster="prod"')
      .optional(),
    teamLabels,
    resourceIdLabel,
    resourceIdRules,
    /** PromQL for node CPU (0–1) and memory (bytes), one series per machine; false to skip. */
    nodeQueries: z
      .union([
        z.literal(false),
        z
          .object({
            cpu: z.string().min(1),
            memoryUsed: z.string().min(1),
            memoryTotal: z.string().min(1),
            /** The label naming the machine (`instance` has its :port removed). */
            hostLabel: z.string().min(1),
          })
          .strict(),
      ])
      .default({
        cpu: '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))',
        memoryUsed: 'node_memory_MemTotal_bytes - node_memory_MemAvailable_bytes',
        memoryTotal: 'node_memory_MemTotal_bytes',
        hostLabel: 'instance',
      }),
    maxRequests,
  })
  .strict();

const dcgmScrapeSource = z
  .object({
    ...common,
    kind: z.literal('dcgm-scrape'),
    /** dcgm-exporter endpoints, e.g. http://gpu-node-1:9400/metrics. */
    targets: z.array(z.string().url()).min(1),
    auth: httpAuth,
    /** Scrape every minute unless told otherwise. */
    schedule: cronSchema.default('* * * * *'),
    /** Seconds between scrapes (the schedule's spacing): how much of an hour one sample covers. */
    intervalSeconds: z.number().int().min(1).max(3600).default(60),
    teamLabels,
    resourceIdLabel,
    resourceIdRules,
  })
  .strict();

const nvidiaSmiSource = z
  .object({
    ...common,
    kind: z.literal('nvidia-smi-csv'),
    /** A file written by `nvidia-smi --query-gpu=... --format=csv -l N`, or a folder of them. */
    path: z.string().min(1),
    /** The machine that wrote the files; by default each file's name without `.csv`. */
    host: z.string().min(1).optional(),
    /** nvidia-smi writes local time without a zone: the zone of the machine that wrote it. */
    timezone: z
      .string()
      .default('UTC')
      .superRefine((zone, ctx) => {
        try {
          assertTimeZone(zone);
        } catch {
          ctx.addIssue({ code: 'custom', message: `unknown time zone "${zone}"` });
        }
      }),
    /** The `-l N` logging interval in seconds; by default read from the timestamps. */
    intervalSeconds: z.number().int().min(1).max(3600).optional(),
    resourceIdRules,
    /**
     * Who a process found in `--query-compute-apps` logs works for: the first rule whose
     * `process` (a regular expression on process_name) matches gives its team and/or namespace.
     */
    owners: z
      .array(
        z
          .object({
            process: regexSchema,
            team: z.string().min(1).optional(),
            namespace: z.string().min(1).optional(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

const sourceSchema = z.discriminatedUnion('kind', [
  focusFileSource,
  awsSource,
  azureSource,
  gcpSource,
  prometheusSource,
  dcgmScrapeSource,
  nvidiaSmiSource,
]);

const sourcesFileSchema = z
  .object({ sources: z.array(sourceSchema).default([]) })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.sources.forEach((s, i) => {
      if (seen.has(s.name))
        ctx.addIssue({
          code: 'custom',
          path: ['sources', i, 'name'],
          message: `duplicate source name "${s.name}"`,
        });
      seen.add(s.name);
    });
  });

export type SourceConfig = z.infer<typeof sourceSchema>;
export type FocusFileSourceConfig = z.infer<typeof focusFileSource>;
export type AwsSourceConfig = z.infer<typeof awsSource>;
export type AzureSourceConfig = z.infer<typeof azureSource>;
export type GcpSourceConfig = z.infer<typeof gcpSource>;
export type CloudSourceConfig = AwsSourceConfig | AzureSourceConfig | GcpSourceConfig;
export type PrometheusSourceConfig = z.infer<typeof prometheusSource>;
export type DcgmScrapeSourceConfig = z.infer<typeof dcgmScrapeSource>;
export type NvidiaSmiSourceConfig = z.infer<typeof nvidiaSmiSource>;
export type UsageSourceConfig =
  PrometheusSourceConfig | DcgmScrapeSourceConfig | NvidiaSmiSourceConfig;
export type HttpAuthConfig = z.infer<typeof httpAuth>;
export const USAGE_KINDS = ['prometheus', 'dcgm-scrape', 'nvidia-smi-csv'] as const;

export function isUsageSource(s: SourceConfig): s is UsageSourceConfig {
  return (USAGE_KINDS as readonly string[]).includes(s.kind);
}

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** The address to listen on: loopback unless the service is meant to be reached from elsewhere. */
  HOST: z.string().min(1).default('127.0.0.1'),
  FINOPS_SESSION_TTL: z
    .string()
    .default('12h')
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms) return ms;
      ctx.addIssue({ code: 'custom', message: 'a duration such as 12h, 30m or 7d' });
      return z.NEVER;
    }),
  DATABASE_URL: z.string().url().optional(),
  FINOPS_DATA_DIR: z.string().min(1).default('.data'),
  FINOPS_CONFIG_DIR: z.string().min(1).default('config'),
  FINOPS_REPORTS_DIR: z.string().min(1).default('reports'),
  /** Daily at 06:00 UTC by default, after the nightly imports. */
  FINOPS_RECOMMEND_SCHEDULE: z.union([z.literal('off'), cronSchema]).default('0 6 * * *'),
  FINOPS_UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 ** 3),
  FINOPS_SAMPLE_DATA: z.enum(['auto', 'off']).default('auto'),
  /** How long an unused database connection stays open in the pool (pg's default, 10 s). */
  FINOPS_DB_POOL_IDLE_MS: z.coerce.number().int().min(1).default(10_000),
  FINOPS_IMPORT_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  FINOPS_IMPORT_QUEUE: z.coerce.number().int().min(0).max(1000).default(4),
  FINOPS_DB_WAIT_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  FINOPS_OIDC_ISSUER: z.string().url().optional(),
  FINOPS_OIDC_AUDIENCE: z.string().min(1).optional(),
  FINOPS_OIDC_JWKS_URL: z.string().url().optional(),
  FINOPS_OIDC_ROLE_CLAIM: z.string().min(1).default('finops_role'),
  FINOPS_OIDC_TEAMS_CLAIM: z.string().min(1).default('finops_teams'),
  FINOPS_ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
});

/**
 * The long-running service keeps the embedded PostgreSQL it uses up for its lifetime (restarting it
 * if it dies) and stops it when it is the last user; a CLI run stops only a server it started itself
 * and nobody else uses (docs/adr/0001-embedded-postgres.md).
 */
export type ProcessRole = 'service' | 'cli';

export interface AppConfig {
  port: number;
  /** HOST: the address the HTTP server binds (127.0.0.1 by default; 0.0.0.0 for every interface). */
  host: string;
  /** FINOPS_SESSION_TTL: how long a web sign-in lasts (12 h by default). */
  sessionTtlMs: number;
  /** `service` as loaded; the CLI runs as `cli` (src/cli/with-app.ts). */
  role: ProcessRole;
  /** Set when an external PostgreSQL is used; otherwise an embedded server is started. */
  databaseUrl: string | undefined;
  dataDir: string;
  dbPoolIdleMs: number;
  configDir: string;
  /** Where generated reports go, one folder per period (`reports/<period>/`). */
  reportsDir: string;
  uploadMaxBytes: number;
  /** Imports running at once (FINOPS_IMPORT_CONCURRENCY); the database pool is sized from it. */
  importConcurrency: number;
  /** Uploads that may wait for an import slot (FINOPS_IMPORT_QUEUE); beyond it a 503. */
  importQueue: number;
  /** Longest wait for a pooled database connection before a 503 (FINOPS_DB_WAIT_MS). */
  dbWaitMs: number;
  sampleData: 'auto' | 'off';
  /** FINOPS_ADMIN_TOKEN: registered as an admin token at start (a secret: never logged). */
  adminToken: string | undefined;
  /** OIDC/JWT bearer authentication, when FINOPS_OIDC_ISSUER is set. */
  oidc: { issuer: string; audience: string; jwksUrl: string; claims: ClaimMapping } | undefined;
  /** LOG_LEVEL, or undefined when not set (the service then logs at info, the CLI at error). */
  logLevel: string | undefined;
  sources: SourceConfig[];
  /** config/allocation.yaml, or the built-in team-tag rule. */
  allocation: AllocationConfig;
  /** config/recommendations.yaml, or the documented defaults. */
  recommendations: RecommendConfig;
  /** Cron (UTC) of the daily recommendations run (FINOPS_RECOMMEND_SCHEDULE; `off` disables). */
  recommendSchedule: string | null;
}

function firstIssue(error: z.ZodError): { key: string; reason: string } {
  const issue = error.issues[0];
  return { key: issue?.path.join('.') || '(root)', reason: issue?.message ?? 'invalid' };
}

/** Reads `config/sources.yaml` if present. A missing file means "no source configured". */
export function loadSources(configDir: string): SourceConfig[] {
  const file = path.join(configDir, 'sources.yaml');
  if (!existsSync(file)) return [];
  return readYamlFile(file, sourcesFileSchema).sources;
}

function oidcConfig(e: z.infer<typeof envSchema>): AppConfig['oidc'] {
  if (!e.FINOPS_OIDC_ISSUER) return undefined;
  if (!e.FINOPS_OIDC_AUDIENCE) {
    throw new ConfigError(
      'environment',
      'FINOPS_OIDC_AUDIENCE',
      'required when FINOPS_OIDC_ISSUER is set',
    );
  }
  return {
    issuer: e.FINOPS_OIDC_ISSUER,
    audience: e.FINOPS_OIDC_AUDIENCE,
    // The JWKS location most issuers publish; set FINOPS_OIDC_JWKS_URL when yours differs.
    jwksUrl:
      e.FINOPS_OIDC_JWKS_URL ?? `${e.FINOPS_OIDC_ISSUER.replace(/\/$/, '')}/.well-known/jwks.json`,
    claims: {
      roleClaim: e.FINOPS_OIDC_ROLE_CLAIM,
      teamsClaim: e.FINOPS_OIDC_TEAMS_CLAIM,
      nameClaims: ['email', 'preferred_username', 'sub'],
    },
  };
}

/** Parses the environment and config files once, at start-up. Throws ConfigError on the first bad key. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // An empty variable means "not set", as in most shells' `VAR= command`.
  const set = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(set);
  if (!parsed.success) {
    const { key, reason } = firstIssue(parsed.error);
    throw new ConfigError('environment', key, reason);
  }
  const e = parsed.data;
  const configDir = path.resolve(e.FINOPS_CONFIG_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    sessionTtlMs: e.FINOPS_SESSION_TTL,
    role: 'service',
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.FINOPS_DATA_DIR),
    dbPoolIdleMs: e.FINOPS_DB_POOL_IDLE_MS,
    configDir,
    reportsDir: path.resolve(e.FINOPS_REPORTS_DIR),
    uploadMaxBytes: e.FINOPS_UPLOAD_MAX_BYTES,
    importConcurrency: e.FINOPS_IMPORT_CONCURRENCY,
    importQueue: e.FINOPS_IMPORT_QUEUE,
    dbWaitMs: e.FINOPS_DB_WAIT_MS,
    sampleData: e.FINOPS_SAMPLE_DATA,
    adminToken: e.FINOPS_ADMIN_TOKEN,
    oidc: oidcConfig(e),
    logLevel: e.LOG_LEVEL,
    sources: loadSources(configDir),
    allocation: loadAllocation(configDir),
    recommendations: loadRecommendConfig(configDir),
    recommendSchedule: e.FINOPS_RECOMMEND_SCHEDULE === 'off' ? null : e.FINOPS_RECOMMEND_SCHEDULE,
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
