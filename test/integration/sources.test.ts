import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../src/app.module.js';
import { ConfigError, FocusFileSourceConfig, loadSources } from '../../src/config/app-config.js';
import { PinoNestLogger } from '../../src/logging/logger.js';
import { SourceScheduler } from '../../src/sources/source-scheduler.js';
import {
  InvalidSourceRequestError,
  SourcesService,
  UnknownSourceError,
} from '../../src/sources/sources.service.js';
import { ImportSummary } from '../../src/ingestion/focus-file/focus-file-import.service.js';
import { fixture, SAMPLE_CSV } from '../support/fixtures.js';
import { testConfig, testLogger } from '../support/test-app.js';
import { createTestDatabase } from '../support/test-db.js';
import { after } from 'node:test';

const source = (
  name: string,
  file: string,
  extra: Partial<FocusFileSourceConfig> = {},
): FocusFileSourceConfig => ({
  name,
  kind: 'focus-file',
  path: file,
  restatementDays: 5,
  enabled: true,
  ...extra,
});
const sources = [
  source('sample', SAMPLE_CSV, { schedule: '0 */6 * * *' }),
  source('messy', fixture('messy-focus-1.2-two-periods.csv')),
  source('broken', '/nonexistent/export.csv', { schedule: '*/5 * * * *' }),
];
const url = await createTestDatabase();
const logger = testLogger();
const app = await NestFactory.createApplicationContext(
  AppModule.forRoot(testConfig(url, { sources }), logger),
  {
    logger: new PinoNestLogger(logger),
  },
);
after(() => app.close());
const svc = app.get(SourcesService);

async function rows(name: string): Promise<number> {
  const ds = app.get((await import('typeorm')).DataSource);
  const [r] = (await ds.query(
    `SELECT count(*)::int AS n FROM cost_record c JOIN billing_source s ON s.id = c.source_id WHERE s.name = $1`,
    [name],
  )) as { n: number }[];
  return r!.n;
}

describe('sources configuration', () => {
  function load(yaml: string) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    writeFileSync(path.join(dir, 'sources.yaml'), yaml);
    return () => loadSources(dir);
  }
  it('names the file, line and key of a bad cron, a duplicate name or a missing path', () => {
    assert.throws(
      load('sources:\n  - {name: a, kind: focus-file, path: /x, schedule: "every hour"}\n'),
      (e: unknown) =>
        e instanceof ConfigError &&
        /sources\.yaml:2: sources\.0\.schedule: not a cron expression/.test(e.message),
    );
    assert.throws(
      load(
        'sources:\n  - {name: a, kind: focus-file, path: /x}\n  - {name: a, kind: focus-file, path: /y}\n',
      ),
      /sources\.yaml:3: sources\.1\.name: duplicate source name "a"/,
    );
    assert.throws(load('sources:\n  - {name: a, kind: focus-file}\n'), /sources\.0\.path/);
    assert.throws(load('sources:\n  - {name: a, kind: s3, path: /x}\n'), /sources\.0\.kind/);
    assert.equal(
      load('sources:\n  - {name: a, kind: focus-file, path: /x}\n')()[0]!.restatementDays,
      5,
    );
    assert.throws(
      load(
        'sources:\n  - {name: az, kind: azure-cost-management, scope: subscriptions/x, credentials: {tenantId: t, clientId: c, clientSecret: hunter2}}\n',
      ),
      /sources\.0\.credentials\.clientSecret: must be \$\{env:NAME\} or \$\{file:\/path\}, not the secret itself/,
    );
    assert.throws(
      load('sources:\n  - {name: g, kind: gcp-billing-export, table: just-a-table}\n'),
      /sources\.0\.table: project\.dataset\.table/,
    );
  });

  it('accepts the documented example with one source of every kind', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    writeFileSync(
      path.join(dir, 'sources.yaml'),
      readFileSync(new URL('../../../config/sources.example.yaml', import.meta.url)),
    );
    const parsed = loadSources(dir);
    assert.deepEqual(
      parsed.map((s) => s.kind),
      ['focus-file', 'aws-cost-explorer', 'azure-cost-management', 'gcp-billing-export'],
    );
    const aws = parsed[1] as { groupBy: string[]; maxRequests: number; region: string };
    assert.deepEqual(aws.groupBy, ['LINKED_ACCOUNT', 'REGION', 'SERVICE', 'USAGE_TYPE']);
    assert.equal(aws.maxRequests, 500);
    assert.equal(aws.region, 'us-east-1');
  });
});

describe('running sources', () => {
  it('runs a source on demand and reports status, next run and freshness', async () => {
    const [summary] = (await svc.run('messy', { trigger: 'cli' })) as ImportSummary[];
    assert.deepEqual(
      summary!.periods.map((p) => p.period),
      ['2024-09', '2024-10'],
    );
    const status = await svc.status(new Date(Date.now() + 3_600_000));
    const messy = status.find((s) => s.name === 'messy')!;
    assert.equal(messy.lastRun!.status, 'succeeded');
    assert.equal(messy.nextRun, null, 'no schedule, no next run');
    assert.ok(Math.abs(messy.freshness!.ageHours - 1) < 0.2);
    const sample = status.find((s) => s.name === 'sample')!;
    assert.match(sample.nextRun!, /^\d{4}-\d\d-\d\dT(00|06|12|18):00:00\.000Z$/);
    assert.equal(sample.lastRun, null);
  });

  it('refuses unknown sources and a period for a whole-file source', async () => {
    await assert.rejects(svc.run('nope', { trigger: 'cli' }), UnknownSourceError);
    await assert.rejects(
      svc.run('messy', { trigger: 'cli', period: '2024-09' }),
      InvalidSourceRequestError,
    );
  });

  it('keeps one copy of the data when two runs of the same source overlap', async () => {
    const results = await Promise.allSettled([
      svc.run('sample', { trigger: 'cli' }),
      svc.run('sample', { trigger: 'api' }),
    ]);
    assert.ok(results.some((r) => r.status === 'fulfilled'));
    for (const r of results)
      if (r.status === 'rejected')
        assert.match(String(r.reason), /being imported by another process/);
    assert.equal(await rows('sample'), 500);
  });

  it('a failing scheduled source is recorded and does not stop the others', async () => {
    const scheduler = app.get(SourceScheduler);
    const [broken, sample] = await Promise.all([
      scheduler.tick('broken'),
      scheduler.tick('sample'),
    ]);
    assert.equal(broken, 'failed');
    assert.equal(sample, 'succeeded');
    const status = await svc.status();
    const failed = status.find((s) => s.name === 'broken')!;
    assert.equal(failed.lastRun!.status, 'failed');
    assert.match(failed.lastRun!.error!, /ENOENT|no such file/);
    assert.equal(await rows('sample'), 500);
  });
});
