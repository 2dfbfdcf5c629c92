import pg from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { BillingSource } from '../billing/billing-source.entity.js';
import { CostRecordSchema } from '../billing/cost-record.entity.js';
import { MAX_OPEN_COPIES } from '../ingestion/cost-slice-loader.js';
import { ImportRun } from '../ingestion/import-run.entity.js';
import { ApiToken } from '../auth/api-token.entity.js';
import { AuditEventSchema } from '../audit/audit-event.entity.js';
import { BusinessMetricSchema } from '../allocation/business-metric.entity.js';
import { AllocationResultSchema, PeriodCloseSchema } from '../allocation/period-close.entity.js';
import { RecommendationSchema } from '../recommendations/recommendation.entity.js';
import { InstancePriceSchema } from '../catalog/instance-price.entity.js';
import { AnomalySchema } from '../insights/anomaly.entity.js';
import { WebSessionSchema } from '../auth/web-session.entity.js';
import {
  GpuScrapeSampleSchema,
  GpuUsageSchema,
  ResourceUsageSchema,
} from '../ingestion/gpu/usage-tables.js';

// DATE columns hold billing periods (`YYYY-MM-01`); keep them as text rather than local-time Dates.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);

export const ENTITIES = [
  BillingSource,
  ImportRun,
  CostRecordSchema,
  ApiToken,
  GpuUsageSchema,
  ResourceUsageSchema,
  GpuScrapeSampleSchema,
  AuditEventSchema,
  BusinessMetricSchema,
  PeriodCloseSchema,
  AllocationResultSchema,
  RecommendationSchema,
  InstancePriceSchema,
  AnomalySchema,
  WebSessionSchema,
];

/**
 * Connections for `importConcurrency` imports at once (each holds its lock connection and up to
 * MAX_OPEN_COPIES COPYs) plus a few for requests, so imports alone never fill the pool.
 */
export function poolSizeFor(importConcurrency: number): number {
  return Math.max(10, importConcurrency * (1 + MAX_OPEN_COPIES) + 4);
}

/**
 * A caller waits at most `acquireTimeoutMs` for a pooled connection; then pg-pool fails the
 * call (see isPoolTimeout), which the API answers with a 503, instead of waiting forever. An
 * unused connection closes after `idleMs`.
 */
export function createDataSource(
  url: string,
  poolSize = 10,
  acquireTimeoutMs = 5000,
  idleMs = 10_000,
): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migration',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: {
      max: poolSize,
      connectionTimeoutMillis: acquireTimeoutMs,
      idleTimeoutMillis: idleMs,
      application_name: 'finops-chargeback',
    },
  });
}

/** Runs pending migrations; an advisory lock makes concurrent starts wait instead of racing. */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock(hashtext('finops.migrations'))`);
    const done = await dataSource.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await runner
      .query(`SELECT pg_advisory_unlock(hashtext('finops.migrations'))`)
      .catch(() => undefined);
    await runner.release();
  }
}

/** pg-pool's error when no connection became free within connectionTimeoutMillis. */
export function isPoolTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'timeout exceeded when trying to connect';
}
