import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { AzureSourceConfig } from '../../src/config/app-config.js';
import { PeriodRunResult } from '../../src/ingestion/cloud/cloud-import.service.js';
import { SourceRunFailedError } from '../../src/sources/sources.service.js';
import { createCloudApp } from '../support/cloud-app.js';
import {
  AzureItem,
  costManagementEmulator,
  recordedQuery,
  replayHttpClient,
} from '../support/fake-cost-management.js';
import { fixture } from '../support/fixtures.js';

const SUB = '00000000-0000-0000-0000-000000000000';
const example = (name: string) =>
  (
    JSON.parse(readFileSync(fixture(`cloud/${name}`), 'utf8')) as {
      responses: {
        '200': {
          body: {
            properties: { columns: { name: string }[]; rows: unknown[][]; nextLink: string | null };
          };
        };
      };
    }
  ).responses['200'].body;

const azure = (name: string, extra: Partial<AzureSourceConfig> = {}): AzureSourceConfig => ({
  name,
  kind: 'azure-cost-management',
  scope: `subscriptions/${SUB}`,
  apiVersion: '2023-11-01',
  groupBy: ['SubscriptionId', 'ResourceLocation', 'ResourceId', 'ServiceName'],
  tagKeys: ['team'],
  maxRequests: 500,
  restatementDays: 5,
  enabled: true,
  ...extra,
});
const ctx = await createCloudApp([
  azure('recorded', { groupBy: ['ResourceGroup'], tagKeys: [] }),
  azure('billing-account', {
    scope: 'providers/Microsoft.Billing/billingAccounts/70664866',
    groupBy: ['ResourceGroup'],
    tagKeys: [],
  }),
  azure('drill'),
  azure('gov', {
    endpoint: 'https://management.usgovcloudapi.net',
    groupBy: ['ResourceGroup'],
    tagKeys: [],
  }),
]);
const http = replayHttpClient(() => ({ status: 500 }));
const scopes: string[][] = [];
ctx.transport.azureHttpClient = http.client;
ctx.transport.azureCredential = {
  getToken: async (s: string | string[]) => {
    scopes.push([s].flat());
    return { token: 'fake-token', expiresOnTimestamp: Date.now() + 3_600_000 };
  },
};
const NOW = new Date('2026-11-20T06:00:00Z');
const run = async (name: string, period: string) =>
  (await ctx.sources.run(name, { trigger: 'cli', period, now: NOW })) as PeriodRunResult[];

describe('azure-cost-management importer', () => {
  it('imports the recorded SubscriptionQuery example through the real SDK client', async () => {
    http.handler = recordedQuery(example('costmanagement-2025-03-01-SubscriptionQuery.json'));
    const [march] = await run('recorded', '2018-03');
    assert.equal(march!.status, 'succeeded', march!.message ?? '');
    assert.equal(march!.requests, 2, 'one ActualCost and one AmortizedCost query');
    const first = http.sent.at(-2)!;
    assert.equal(
      first.url,
      `https://management.azure.com/subscriptions/${SUB}/providers/Microsoft.CostManagement/query?api-version=2023-11-01`,
    );
    assert.equal(first.authorization, 'Bearer fake-token');
    assert.deepEqual(
      http.sent.slice(-2).map((r) => r.body['type']),
      ['ActualCost', 'AmortizedCost'],
    );
    assert.deepEqual(first.body['timePeriod'], {
      from: '2018-03-01T00:00:00.000Z',
      to: '2018-03-31T23:59:59.000Z',
    });
    // 2.10333307059661 + 218.68795741935486, summed exactly
    assert.deepEqual(await ctx.totals('recorded', '2018-03'), {
      rows: 2,
      billed: '220.79129048995147',
      effective: '220.79129048995147',
      list: '0',
    });
    const [april] = await run('recorded', '2018-04');
    assert.equal(april!.rows, 2);
    assert.equal((await ctx.totals('recorded', '2018-04')).billed, '0.153714722667894152');
    const rows = await ctx.rows('recorded', '2018-04');
    assert.deepEqual(
      rows.map((r) => [
        (r['extensions'] as Record<string, string>)['x_ResourceGroupName'],
        (r['charge_period_start'] as Date).toISOString(),
        r['provider_name'],
        r['billing_currency'],
      ]),
      [
        ['ssbciotelement01', '2018-04-01T00:00:00.000Z', 'Microsoft', 'USD'],
        ['ict_stratandplan_goldsprova_prod', '2018-04-29T00:00:00.000Z', 'Microsoft', 'USD'],
      ],
    );
  });

  it('follows nextLink with the same body and keeps every digit of the costs', async () => {
    const page1 = example('costmanagement-2025-03-01-BillingAccountQuery.json');
    const nextLink = page1.properties.nextLink!;
    // The client's api-version policy rewrites the link's api-version; the skiptoken stays.
    const skiptoken = /\$skiptoken=[^&]+/.exec(nextLink)![0];
    http.handler = (req) =>
      req.url.includes(skiptoken)
        ? {
            body: `{"properties":{"nextLink":null,"columns":${JSON.stringify(page1.properties.columns)},"rows":[[0.123456789012345678901,"late-rg",20180331,"USD"]]}}`,
          }
        : { body: page1 };
    const [r] = await run('billing-account', '2018-03');
    assert.equal(r!.status, 'succeeded', r!.message ?? '');
    assert.equal(r!.requests, 4, 'two pages for each of ActualCost and AmortizedCost');
    const follow = http.sent.at(-1)!;
    assert.equal(follow.url, nextLink.replace('api-version=2021-10-01', 'api-version=2023-11-01'));
    assert.equal(follow.method, 'POST');
    assert.equal(follow.body['type'], 'AmortizedCost');
    assert.equal(follow.authorization, 'Bearer fake-token');
    // 19.545363672276512 + 173.41979241290323 + 20.35941656262545 + 0.16677720329728665
    //   + 0.123456789012345678901 (more digits than a double keeps)
    const t = await ctx.totals('billing-account', '2018-03');
    assert.equal(t.billed, '213.614806640114824328901');
    const [row] = await ctx.rows('billing-account', '2018-03');
    assert.equal(row!['billing_account_id'], '70664866');
  });

  it('drills subscription, location, resource, service and tag; joins actual and amortized cost', async () => {
    const vm = `/subscriptions/${SUB}/resourceGroups/ml-rg/providers/Microsoft.Compute/virtualMachines/gpu-1`;
    const disk = `/subscriptions/${SUB}/resourceGroups/ml-rg/providers/Microsoft.Compute/disks/gpu-1-os`;
    const items: AzureItem[] = [
      {
        date: 20261001,
        dims: {
          SubscriptionId: SUB,
          ResourceLocation: 'EU West',
          ResourceId: vm,
          ServiceName: 'Virtual Machines',
        },
        tags: { team: 'ml' },
        actual: '0',
        amortized: '31.25',
      },
      {
        date: 20261001,
        dims: {
          SubscriptionId: SUB,
          ResourceLocation: 'EU West',
          ResourceId: disk,
          ServiceName: 'Storage',
        },
        actual: '1.5',
        amortized: '1.5',
      },
      {
        date: 20261002,
        dims: {
          SubscriptionId: SUB,
          ResourceLocation: 'US East',
          ResourceId: vm,
          ServiceName: 'Virtual Machines',
        },
        tags: { team: 'ml' },
        actual: '12.000000000000000001',
        amortized: '12.000000000000000001',
      },
      {
        date: 20261001,
        dims: {
          SubscriptionId: SUB,
          ResourceLocation: '',
          ResourceId: '',
          ServiceName: 'Reservations',
        },
        actual: '750',
      },
    ];
    http.handler = costManagementEmulator(items);
    const [r] = await run('drill', '2026-10');
    assert.equal(r!.status, 'succeeded', r!.message ?? '');
    assert.equal(r!.billedCost, '763.500000000000000001');
    assert.equal(r!.effectiveCost, '44.750000000000000001');
    const rows = await ctx.rows('drill', '2026-10');
    assert.equal(rows.length, 4);
    const gpu = rows.find((x) => x['effective_cost'] === '31.25')!;
    assert.equal(
      gpu['billed_cost'],
      '0',
      'reservation-covered usage: no billed cost, amortized cost',
    );
    assert.equal(gpu['region_id'], 'westeurope');
    assert.equal(gpu['region_name'], 'West Europe');
    assert.equal(gpu['resource_name'], 'gpu-1');
    assert.equal(gpu['service_category'], 'Compute');
    assert.deepEqual(gpu['tags'], { team: 'ml' });
    assert.equal((gpu['extensions'] as Record<string, string>)['x_ResourceGroupName'], 'ml-rg');
    const purchase = rows.find((x) => x['billed_cost'] === '750')!;
    assert.equal(purchase['effective_cost'], '0');
    assert.equal(purchase['billing_currency'], 'EUR');
  });

  it('honours the cost-management QPU retry-after header the SDK ignores', async () => {
    const replay = recordedQuery(example('costmanagement-2025-03-01-SubscriptionQuery.json'));
    let n = 0;
    http.handler = (req) =>
      ++n === 1
        ? {
            status: 429,
            headers: { 'x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after': '3' },
            body: { error: { code: '429', message: 'Too many requests. Please retry.' } },
          }
        : replay(req);
    ctx.delays.length = 0;
    const [r] = await run('recorded', '2018-03');
    assert.equal(r!.status, 'succeeded');
    assert.deepEqual(ctx.delays, [3000]);
    assert.equal(r!.retries, 1);
  });

  it('fails on 5xx and malformed JSON, naming the request, and keeps the last good data', async () => {
    const good = await ctx.totals('recorded', '2018-03');
    for (const [reply, pattern] of [
      [
        { status: 503, body: { error: { code: 'ServiceUnavailable', message: 'try later' } } },
        /HTTP 503.*gave up after 3 attempts/,
      ],
      [
        { body: '{"properties": {"rows": [[1.0, "x"' },
        /Query ActualCost subscriptions\/0{8}-.* page 1: /,
      ],
    ] as const) {
      http.handler = () => reply;
      await assert.rejects(
        run('recorded', '2018-03'),
        (e: unknown) => e instanceof SourceRunFailedError && pattern.test(e.message),
      );
      assert.deepEqual(await ctx.totals('recorded', '2018-03'), good);
    }
  });

  it('sends requests and asks for tokens at the endpoint override (sovereign clouds)', async () => {
    http.handler = recordedQuery(example('costmanagement-2025-03-01-SubscriptionQuery.json'));
    scopes.length = 0;
    const [r] = await run('gov', '2018-03');
    assert.equal(r!.status, 'succeeded');
    assert.match(
      http.sent.at(-1)!.url,
      /^https:\/\/management\.usgovcloudapi\.net\/subscriptions\//,
    );
    assert.deepEqual(scopes[0], ['https://management.usgovcloudapi.net/.default']);
  });
});
