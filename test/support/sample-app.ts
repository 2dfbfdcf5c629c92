import { INestApplication } from '@nestjs/common';
import { after } from 'node:test';
import type { AppConfig } from '../../src/config/app-config.js';
import { createHttpApp } from '../../src/http-app.js';
import { SampleDataLoader } from '../../src/ingestion/sample-data.loader.js';
import {
  RecommendationsService,
  RecommendRunResult,
} from '../../src/recommendations/recommendations.service.js';
import { testConfig, testLogger } from './test-app.js';
import { createTestDatabase } from './test-db.js';

/** The recommendations run of the sample tests happens "now", long after the sample's month. */
export const SAMPLE_NOW = new Date('2026-11-22T00:00:00Z');

/**
 * The HTTP service on a private database with the bundled sample loaded and its
 * recommendations made, listening on loopback; closed after the file's tests.
 */
export async function createSampleApp(
  overrides: Partial<AppConfig> = {},
): Promise<{ app: INestApplication; base: string; run: RecommendRunResult }> {
  const app = await createHttpApp(
    testConfig(await createTestDatabase(), { sampleData: 'auto', ...overrides }),
    testLogger(),
  );
  await app.listen(0, '127.0.0.1');
  after(() => app.close());
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  await app.get(SampleDataLoader).loadIfFirstStart();
  const run = await app.get(RecommendationsService).run({ actor: 'test', now: SAMPLE_NOW });
  return { app, base, run };
}
