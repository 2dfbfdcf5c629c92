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
    assert.equal(await count(first.get(DataSource)), 500);
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
    assert.equal(await loader.removeIfRealSourcesConfigured(), 1);
    assert.equal(await count(real.get(DataSource)), 0);
    assert.equal(await loader.loadIfFirstStart(), false);
    const runs = (await real
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM import_run`)) as { n: number }[];
    assert.equal(runs[0]!.n, 1, 'the import history stays');
  });
});
