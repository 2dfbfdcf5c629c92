import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OAuth2Client } from 'google-auth-library';
import { GcpSourceConfig } from '../../src/config/app-config.js';
import { SourceScheduler } from '../../src/sources/source-scheduler.js';
import { createCloudApp } from '../support/cloud-app.js';
import { bigQueryEmulator, kokuSampleLines } from '../support/fake-bigquery.js';
import { startLoopback } from '../support/loopback-server.js';

process.env['METADATA_SERVER_DETECTION'] = 'none';
// Anything a provider SDK rejects or throws outside our awaited calls lands here (and would
// stop the service, whose process exits on an unhandled rejection).
const escaped: unknown[] = [];
process.on('unhandledRejection', (e) => escaped.push(e));
process.on('uncaughtException', (e) => escaped.push(e));

const NOW = new Date('2026-11-20T06:00:00Z');
const [base] = kokuSampleLines();
// November's export: an hour of a SKU without a list price in the export, so the catalog is asked.
const bigquery = await startLoopback(
  bigQueryEmulator([
    { ...base!, usage_start_time: '2026-11-02 01:00:00+00:00', invoice_month: '202611' },
  ]),
);
const catalogServer = await startLoopback(() => ({ body: { skus: [] } }));
const gcp = (name: string, catalog: boolean): GcpSourceConfig => ({
  name,
  kind: 'gcp-billing-export',
  table: 'billing-admin.billing_export.gcp_billing_export_resource_v1_018984_D0AAA4_940B88',
  endpoint: bigquery.url,
  catalogEndpoint: catalogServer.url,
  restatementDays: 5,
  enabled: true,
  schedule: '0 6 * * *',
  catalog,
});
const ctx = await createCloudApp([gcp('sovereign', true), gcp('gcp', false)]);
// Credentials of another universe (a sovereign cloud's): the Cloud Billing SDK refuses to build
// its stub, and rejects a promise of its own that nobody awaits.
ctx.transport.gcpAuthClient = new OAuth2Client({ universeDomain: 'sovereign.example' });
const scheduler = ctx.app.get(SourceScheduler);

describe('a provider client that fails outside our calls', () => {
  it('fails its own run with the reason while the other source imports and the process lives', async () => {
    assert.equal(await scheduler.tick('sovereign', NOW), 'failed');
    assert.equal(await scheduler.tick('gcp', NOW), 'succeeded');
    const runs = (await ctx.db.query(
      `SELECT s.name, r.status, r.error FROM import_run r JOIN billing_source s ON s.id = r.source_id
        ORDER BY r.id`,
    )) as { name: string; status: string; error: string | null }[];
    const failed = runs.filter((r) => r.name === 'sovereign');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.status, 'failed');
    assert.match(failed[0]!.error ?? '', /universe domain \(googleapis\.com\).*sovereign\.example/);
    assert.deepEqual(
      runs.filter((r) => r.name === 'gcp').map((r) => r.status),
      ['succeeded'],
    );
    assert.equal((await ctx.totals('gcp', '2026-11')).rows, 1);
    assert.equal((await ctx.totals('sovereign', '2026-11')).rows, 0);
    // A later request to the same client (a second period, the next tick) escapes nothing either.
    assert.equal(await scheduler.tick('sovereign', NOW), 'failed');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(escaped, []);
  });
});
