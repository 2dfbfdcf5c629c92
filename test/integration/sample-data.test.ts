import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { SampleDataLoader } from '../../src/ingestion/sample-data.loader.js';
import { PinoNestLogger } from '../../src/logging/logger.js';
import { fixture } from '../support/fixtures.js';
import { testConfig, testLogger } from '../support/test-app.js';
import { createTestDatabase } from '../support/test-db.js';

const url = await createTestDatabase();
async function context(sources: ReturnType<typeof testConfig>['sources']) {
  const logger = testLogger();
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot(testConfig(url, { sampleData: 'auto', sources }), logger),
    { logger: new PinoNestLogger(logger) },
  );
  after(() => app.close());
  return app;
}
const count = async (ds: DataSource) =>
  ((await ds.query(`SELECT count(*)::int AS n FROM cost_record`)) as { n: number }[])[0]!.n;

describe('bundled sample data', () => {
  it('loads on a first start without sources, and is removed once real sources are configured', async () => {
    const first = await context([]);
    assert.equal(await first.get(SampleDataLoader).loadIfFirstStart(), true);
    // cost lines: AWS FOCUS sample, Azure, GCP, 9 GPU machines x 30 days, and the optimization
    // sample (8 resources x 30 days, a snapshot billed daily June to September)
    assert.equal(await count(first.get(DataSource)), 500 + 8 + 3 + 270 + 8 * 30 + 122);
    const [gpu] = (await first
      .get(DataSource)
      .query(
        `SELECT count(*)::int AS n, count(DISTINCT gpu_uuid)::int AS gpus FROM gpu_usage`,
      )) as {
      n: number;
      gpus: number;
    }[];
    assert.deepEqual(gpu, { n: 23 * 720 - 16 * 6 * 24 + 16 * 6 * 24, gpus: 23 });
    const providers = (await first
      .get(DataSource)
      .query(
        `SELECT provider_name, billing_period::text AS period, count(*)::int AS n FROM cost_record GROUP BY 1, 2 ORDER BY 1, 2`,
      )) as { provider_name: string; period: string; n: number }[];
    assert.deepEqual(
      providers.map((p) => [p.provider_name, p.period, p.n]),
      [
        ['AWS', '2024-06-01', 30],
        ['AWS', '2024-07-01', 31],
        ['AWS', '2024-08-01', 31],
        ['AWS', '2024-09-01', 800],
        ['Google Cloud', '2024-09-01', 123],
        ['Microsoft', '2024-09-01', 128],
      ],
      'the three clouds side by side in one month',
    );
    assert.equal(
      await first.get(SampleDataLoader).loadIfFirstStart(),
      false,
      'only on the first start',
    );

    const real = await context([
      {
        name: 'aws',
        kind: 'focus-file',
        path: fixture('messy-focus-1.2-two-periods.csv'),
        restatementDays: 5,
        enabled: true,
      },
    ]);
    const loader = real.get(SampleDataLoader);
    // (source, period) slices: four samples in September, the optimization sample in four months
    assert.equal(await loader.removeIfRealSourcesConfigured(), 8);
    assert.equal(await count(real.get(DataSource)), 0);
    assert.equal(await loader.loadIfFirstStart(), false);
    const runs = (await real
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM import_run`)) as { n: number }[];
    assert.equal(runs[0]!.n, 6, 'the import history stays');
  });
});
