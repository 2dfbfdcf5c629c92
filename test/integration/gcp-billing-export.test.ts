import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Decimal } from 'decimal.js';
import { OAuth2Client } from 'google-auth-library';
import { GcpSourceConfig } from '../../src/config/app-config.js';
import { PeriodRunResult } from '../../src/ingestion/cloud/cloud-import.service.js';
import { SourceRunFailedError } from '../../src/sources/sources.service.js';
import { createCloudApp } from '../support/cloud-app.js';
import { bigQueryEmulator, ExportLine, kokuSampleLines } from '../support/fake-bigquery.js';
import { fixture, sameAmount } from '../support/fixtures.js';
import { startLoopback } from '../support/loopback-server.js';

process.env['METADATA_SERVER_DETECTION'] = 'none';
const koku = kokuSampleLines();
const gpuHour = (hour: string, team: string): ExportLine => ({
  ...koku[0]!,
  project: { id: 'ml-training', name: 'ML training' },
  sku: { id: '0000-AAAA-1111', description: 'Nvidia H100 80GB GPU running in Americas' },
  usage_start_time: `2022-08-02 ${hour}:00:00+00:00`,
  resource: {
    name: 'trainer-0',
    global_name: '//compute.googleapis.com/projects/ml-training/zones/us-central1-a/instances/123',
  },
  cost: '9.79655',
  usage: { amount: '3600', unit: 'seconds', amount_in_pricing_units: '1', pricing_unit: 'hour' },
  labels: [
    { key: 'team', value: team },
    { key: 'env', value: 'prod' },
  ],
  credits: [
    { name: 'Committed use discount: GPU', amount: '-2.125', type: 'COMMITTED_USAGE_DISCOUNT' },
  ],
});
const lines = [
  ...koku,
  gpuHour('01', 'ml'),
  gpuHour('02', 'ml'),
  { ...gpuHour('03', 'ml'), invoice_month: '202209' },
];

const bigquery = await startLoopback(bigQueryEmulator(lines));
const skus = readFileSync(fixture('cloud/gcp-cloudbilling-v1-listSkus.synthetic.json'), 'utf8');
const catalog = await startLoopback((req) =>
  req.url.startsWith('/v1/services/6F81-5844-456A/skus')
    ? { body: skus }
    : {
        status: 404,
        body: { error: { code: 404, message: 'no such service', status: 'NOT_FOUND' } },
      },
);
const gcp = (name: string, extra: Partial<GcpSourceConfig> = {}): GcpSourceConfig => ({
  name,
  kind: 'gcp-billing-export',
  table: 'billing-admin.billing_export.gcp_billing_export_resource_v1_018984_D0AAA4_940B88',
  endpoint: bigquery.url,
  catalogEndpoint: catalog.url,
  catalog: true,
  restatementDays: 5,
  enabled: true,
  ...extra,
});
const ctx = await createCloudApp([gcp('gcp'), gcp('no-catalog', { catalog: false })]);
const auth = new OAuth2Client();
auth.setCredentials({ access_token: 'fake', expiry_date: Date.now() + 3_600_000 });
ctx.transport.gcpAuthClient = auth;
const NOW = new Date('2026-11-20T06:00:00Z');
const run = async (name: string, period: string) =>
  (await ctx.sources.run(name, { trigger: 'cli', period, now: NOW })) as PeriodRunResult[];
const exact = (xs: string[]) => xs.reduce((a, x) => a.plus(x), new Decimal(0)).toString();

describe('gcp-billing-export importer', () => {
  it('aggregates the export in BigQuery per day and key, with credits as their own charges', async () => {
    const [r] = await run('gcp', '2022-08');
    assert.equal(r!.status, 'succeeded', r!.message ?? '');
    const august = lines.filter((l) => l.invoice_month === '202208');
    const costs = august.map((l) => l.cost);
    const credits = august.flatMap((l) => l.credits.map((c) => c.amount));
    assert.ok(sameAmount(r!.billedCost, exact([...costs, ...credits])), r!.billedCost);
    const sent = JSON.parse(
      bigquery.requests.find((q) => q.body.includes('invoice.month'))!.body,
    ) as {
      query: string;
      useLegacySql: boolean;
      queryParameters: { name: string; parameterValue: { value: string } }[];
    };
    assert.equal(sent.useLegacySql, false);
    assert.match(
      sent.query,
      /FROM `billing-admin\.billing_export\.gcp_billing_export_resource_v1_018984_D0AAA4_940B88`/,
    );
    assert.match(
      sent.query,
      /SUM\(CAST\(cost AS BIGNUMERIC\)\)/,
      'money is summed as decimals, not floats',
    );
    assert.deepEqual(
      sent.queryParameters.map((p) => [p.name, p.parameterValue.value]),
      [
        ['month', '202208'],
        ['scan_from', '2022-07-01'],
      ],
    );
    const rows = await ctx.rows('gcp', '2022-08');
    // koku: one row per SKU (all on one day); GPU: one usage row (two hours) and one credit row.
    assert.equal(rows.length, new Set(koku.map((l) => l.sku.id)).size + 2);
    const gpu = rows.find(
      (x) => x['sku_id'] === '0000-AAAA-1111' && x['charge_category'] === 'Usage',
    )!;
    assert.equal(gpu['billed_cost'], '19.5931');
    assert.equal(gpu['pricing_quantity'], '2');
    assert.equal(gpu['list_cost'], '19.5931', 'flat catalog price 9.79655/hour × 2 hours');
    assert.equal(gpu['list_unit_price'], '9.79655');
    assert.deepEqual(gpu['tags'], { env: 'prod', team: 'ml' });
    assert.equal(gpu['sub_account_id'], 'ml-training');
    assert.equal(gpu['service_category'], 'Compute');
    assert.equal(gpu['provider_name'], 'Google Cloud');
    const credit = rows.find((x) => x['charge_category'] === 'Credit')!;
    assert.equal(credit['billed_cost'], '-4.25');
    assert.equal(credit['charge_description'], 'Committed use discount: GPU');
    assert.equal(
      (credit['extensions'] as Record<string, string>)['x_CreditType'],
      'COMMITTED_USAGE_DISCOUNT',
    );
    const egress = rows.find((x) => x['sku_id'] === 'DFA5-B5C6-36D6')!;
    assert.equal(
      egress['list_cost'],
      null,
      'a SKU the catalog does not price flat has no list cost',
    );
    assert.equal(egress['consumed_unit'], 'bytes');
    assert.ok(catalog.requests.length >= 1);
    assert.match(String(catalog.requests[0]!.headers['authorization']), /Bearer fake/);
  });

  it('rows invoiced in the next month land in that period only', async () => {
    const [r] = await run('no-catalog', '2022-09');
    assert.equal(r!.status, 'succeeded');
    assert.equal(r!.billedCost, '7.67155');
    const [usage] = (await ctx.rows('no-catalog', '2022-09')).filter(
      (x) => x['charge_category'] === 'Usage',
    );
    assert.equal(usage!['list_cost'], null, 'catalog lookups are off for this source');
  });

  it('retries a 429 and a 503 from BigQuery, then fails for good on 400 keeping the data', async () => {
    const emulate = bigQueryEmulator(lines);
    let n = 0;
    bigquery.handler = (req) => {
      n++;
      if (n === 1)
        return {
          status: 429,
          headers: { 'retry-after': '2' },
          body: {
            error: {
              code: 429,
              message: 'Exceeded rate limits',
              errors: [{ reason: 'rateLimitExceeded' }],
            },
          },
        };
      if (n === 2)
        return {
          status: 503,
          body: {
            error: { code: 503, message: 'backend error', errors: [{ reason: 'backendError' }] },
          },
        };
      return emulate(req);
    };
    ctx.delays.length = 0;
    const [ok] = await run('gcp', '2022-08');
    assert.equal(ok!.status, 'succeeded', ok!.message ?? '');
    assert.equal(ok!.retries, 2);
    assert.equal(ctx.delays[0], 2000);
    const good = await ctx.totals('gcp', '2022-08');

    bigquery.handler = (req) =>
      req.body.includes('invoice.month')
        ? {
            status: 400,
            body: {
              error: {
                code: 400,
                message: 'Unrecognized name: _PARTITIONTIME',
                errors: [{ reason: 'invalidQuery', message: 'Unrecognized name: _PARTITIONTIME' }],
              },
            },
          }
        : emulate(req);
    await assert.rejects(
      run('gcp', '2022-08'),
      (e: unknown) =>
        e instanceof SourceRunFailedError &&
        /BigQuery billing export .* invoice 2022-08 page 1: Unrecognized name: _PARTITIONTIME \(HTTP 400\)/.test(
          e.message,
        ),
    );
    assert.deepEqual(await ctx.totals('gcp', '2022-08'), good);

    bigquery.handler = () => ({ body: '{"kind": "bigquery#queryResponse", "rows": [' });
    await assert.rejects(run('gcp', '2022-08'), /INFORMATION_SCHEMA\.COLUMNS .* page 1: /);
    assert.deepEqual(await ctx.totals('gcp', '2022-08'), good);
    bigquery.handler = emulate;
  });

  it('refuses a table that is not a billing export', async () => {
    bigquery.handler = (req) => ({
      body: {
        kind: 'bigquery#queryResponse',
        schema: { fields: [{ name: 'column_name', type: 'STRING' }] },
        jobReference: { projectId: 'p', jobId: 'j', location: 'US' },
        rows: req.body.includes('INFORMATION_SCHEMA') ? [{ f: [{ v: 'name' }] }] : [],
        jobComplete: true,
      },
    });
    await assert.rejects(
      run('gcp', '2022-08'),
      /is not a Cloud Billing export: column cost is missing/,
    );
    bigquery.handler = bigQueryEmulator(lines);
  });
});
