import { NestFactory } from '@nestjs/core';
import { after } from 'node:test';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { AppConfig, SourceConfig } from '../../src/config/app-config.js';
import { CloudTransport } from '../../src/ingestion/cloud/cloud-transport.js';
import { PinoNestLogger } from '../../src/logging/logger.js';
import { SourcesService } from '../../src/sources/sources.service.js';
import { testConfig, testLogger } from './test-app.js';
import { createTestDatabase } from './test-db.js';

/**
 * The application with the given sources on a private database, its cloud transport set to retry
 * three times without really waiting (the waits asked for are kept in `delays`).
 */
export async function createCloudApp(sources: SourceConfig[], overrides: Partial<AppConfig> = {}) {
  const url = await createTestDatabase();
  const logger = testLogger();
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot(testConfig(url, { sources, ...overrides }), logger),
    { logger: new PinoNestLogger(logger) },
  );
  after(() => app.close());
  const transport = app.get(CloudTransport);
  const delays: number[] = [];
  transport.retry = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 60_000 };
  transport.sleep = async (ms) => {
    delays.push(ms);
  };
  const db = app.get(DataSource);
  return {
    app,
    db,
    transport,
    delays,
    sources: app.get(SourcesService),
    /** Row count and exact sums of a source's cost rows in one billing period. */
    async totals(source: string, period: string) {
      const [r] = (await db.query(
        `SELECT count(*)::int AS rows, coalesce(sum(billed_cost), 0)::text AS billed,
                coalesce(sum(effective_cost), 0)::text AS effective,
                coalesce(sum(list_cost), 0)::text AS list
           FROM cost_record c JOIN billing_source s ON s.id = c.source_id
          WHERE s.name = $1 AND c.billing_period = $2`,
        [source, `${period}-01`],
      )) as { rows: number; billed: string; effective: string; list: string }[];
      return r!;
    },
    async rows(source: string, period: string) {
      return (await db.query(
        `SELECT c.* FROM cost_record c JOIN billing_source s ON s.id = c.source_id
          WHERE s.name = $1 AND c.billing_period = $2 ORDER BY c.source_line`,
        [source, `${period}-01`],
      )) as Record<string, unknown>[];
    },
  };
}
