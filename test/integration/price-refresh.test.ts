import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OAuth2Client } from 'google-auth-library';
import { PricesService } from '../../src/catalog/prices.service.js';
import {
  DEFAULT_RECOMMEND_CONFIG,
  PriceSourceConfig,
} from '../../src/recommendations/recommend-config.js';
import { rightsizing } from '../../src/recommendations/recommenders/rightsizing.js';
import { createCloudApp } from '../support/cloud-app.js';
import { startLoopback } from '../support/loopback-server.js';
import { resource, usage, WINDOW_HOURS } from '../support/recommend-inputs.js';

// Azure Retail Prices: Linux, Windows, spot and low-priority meters; the first call is throttled.
const azureItem = (
  armSkuName: string,
  skuName: string,
  productName: string,
  retailPrice: number,
) => ({
  currencyCode: 'USD',
  retailPrice,
  unitPrice: retailPrice,
  armRegionName: 'eastus',
  effectiveStartDate: '2024-06-01T00:00:00Z',
  meterName: skuName,
  productName,
  skuName,
  serviceName: 'Virtual Machines',
  unitOfMeasure: '1 Hour',
  type: 'Consumption',
  armSkuName,
});
let azureCalls = 0;
let azureDown = false;
const azure = await startLoopback((req) => {
  azureCalls++;
  if (azureDown) return { body: 'not json' };
  if (azureCalls === 1) return { status: 429, headers: { 'retry-after': '2' }, body: {} };
  const filter = decodeURIComponent(new URL(req.url, 'http://x').searchParams.get('$filter') ?? '');
  if (!filter.includes("armSkuName eq 'Standard_D2s_v5'")) return { body: { Items: [] } };
  if (req.url.includes('skip=1'))
    return {
      body: {
        Items: [azureItem('Standard_D4s_v5', 'D4s v5', 'Virtual Machines Dsv5 Series', 0.2)],
      },
    };
  return {
    body: {
      BillingCurrency: 'USD',
      Items: [
        azureItem('Standard_D2s_v5', 'D2s v5', 'Virtual Machines Dsv5 Series', 0.1),
        azureItem('Standard_D2s_v5', 'D2s v5 Spot', 'Virtual Machines Dsv5 Series', 0.02),
        azureItem('Standard_D2s_v5', 'D2s v5 Low Priority', 'Virtual Machines Dsv5 Series', 0.015),
        azureItem('Standard_D2s_v5', 'D2s v5', 'Virtual Machines Dsv5 Series Windows', 0.188),
      ],
      NextPageLink: `${azureBase()}?$filter=${encodeURIComponent(filter)}&$skip=1`,
    },
  };
});
const azureBase = () => `${azure.url}/api/retail/prices`;

// AWS Price List: two pages of GetProducts (JSON strings in PriceList).
const awsProduct = (instanceType: string, usd: string) =>
  JSON.stringify({
    product: {
      productFamily: 'Compute Instance',
      attributes: {
        instanceType,
        regionCode: 'us-east-1',
        operatingSystem: 'Linux',
        tenancy: 'Shared',
      },
      sku: `SKU-${instanceType}`,
    },
    serviceCode: 'AmazonEC2',
    terms: {
      OnDemand: {
        [`SKU-${instanceType}.JRTCKXETXF`]: {
          priceDimensions: {
            [`SKU-${instanceType}.JRTCKXETXF.6YS6EN2CT7`]: {
              unit: 'Hrs',
              pricePerUnit: { USD: usd },
              description: `$${usd} per On Demand Linux ${instanceType} Instance Hour`,
            },
          },
        },
      },
    },
  });
const awsRequests: Record<string, unknown>[] = [];
const aws = await startLoopback((req) => {
  assert.equal(req.headers['x-amz-target'], 'AWSPriceListService.GetProducts');
  const body = JSON.parse(req.body) as { NextToken?: string };
  awsRequests.push({ ...body, authorization: req.headers.authorization });
  return {
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: body.NextToken
      ? { FormatVersion: 'aws_v1', PriceList: [awsProduct('m5.2xlarge', '0.3000000000')] }
      : {
          FormatVersion: 'aws_v1',
          PriceList: [
            awsProduct('m5.large', '0.0750000000'),
            awsProduct('m5.xlarge', '0.1500000000'),
            awsProduct('x9.unknown', '1'),
          ],
          NextToken: 'page-2',
        },
  };
});

// Cloud Billing catalog: N2 core and RAM, on demand and spot, in us-central1.
const gcpSku = (description: string, usageType: string, units: string, nanos: number) => ({
  name: `services/6F81-5844-456A/skus/${description.replace(/\W/g, '')}`,
  skuId: description.replace(/\W/g, ''),
  description,
  category: {
    serviceDisplayName: 'Compute Engine',
    resourceFamily: 'Compute',
    resourceGroup: 'N2Standard',
    usageType,
  },
  serviceRegions: ['us-central1'],
  pricingInfo: [
    {
      pricingExpression: {
        usageUnit: 'h',
        tieredRates: [{ startUsageAmount: 0, unitPrice: { currencyCode: 'USD', units, nanos } }],
      },
    },
  ],
});
const gcp = await startLoopback(() => ({
  body: {
    skus: [
      gcpSku('N2 Instance Core running in Americas', 'OnDemand', '0', 31611000),
      gcpSku('N2 Instance Ram running in Americas', 'OnDemand', '0', 4237000),
      gcpSku('Spot Preemptible N2 Instance Core running in Americas', 'Preemptible', '0', 7650000),
      gcpSku('Spot Preemptible N2 Instance Ram running in Americas', 'Preemptible', '0', 1025000),
      gcpSku('N2 Custom Instance Core running in Americas', 'OnDemand', '0', 33191000),
    ],
  },
}));

process.env['TEST_PRICING_KEY'] = 'AKIDEXAMPLE';
process.env['TEST_PRICING_SECRET'] = 'not-a-real-secret';
const sources = (azureEndpoint: string): PriceSourceConfig[] => [
  { kind: 'azure-retail-prices', regions: ['eastus'], endpoint: azureEndpoint },
  {
    kind: 'aws-pricing',
    regions: ['us-east-1'],
    apiRegion: 'us-east-1',
    endpoint: aws.url,
    credentials: {
      accessKeyId: '${env:TEST_PRICING_KEY}',
      secretAccessKey: '${env:TEST_PRICING_SECRET}',
    },
  },
  { kind: 'gcp-billing-catalog', regions: ['us-central1'], endpoint: gcp.url },
];
const ctx = await createCloudApp([], {
  recommendations: { ...DEFAULT_RECOMMEND_CONFIG, prices: sources(azureBase()) },
});
const auth = new OAuth2Client();
auth.setCredentials({ access_token: 'fake', expiry_date: Date.now() + 3_600_000 });
ctx.transport.gcpAuthClient = auth;
const prices = ctx.app.get(PricesService);
const now = new Date('2026-11-22T06:00:00Z');

describe('price refresh from the providers price APIs', () => {
  it('reads Azure Retail Prices, the AWS Price List and the Cloud Billing catalog into the catalog', async () => {
    const results = await prices.refresh(now);
    assert.deepEqual(
      results.map((r) => [r.kind, r.status, r.prices, r.error]),
      [
        ['azure-retail-prices', 'succeeded', 2, undefined],
        ['aws-pricing', 'succeeded', 3, undefined],
        ['gcp-billing-catalog', 'succeeded', 8, undefined], // n2-standard x 5, n2-highmem x 3
      ],
    );
    assert.equal(results[0]!.retries, 1, 'the throttled call was retried');
    assert.deepEqual(ctx.delays, [2000], 'after the Retry-After the API asked for');
    assert.equal(awsRequests.length, 2, 'two pages');
    assert.match(
      String(awsRequests[0]!['authorization']),
      /Credential=AKIDEXAMPLE\//,
      'signed with the env secret',
    );
    assert.deepEqual(
      (awsRequests[0] as { Filters: { Field: string; Value: string }[] }).Filters[0],
      {
        Type: 'TERM_MATCH',
        Field: 'regionCode',
        Value: 'us-east-1',
      },
    );
    const catalog = await prices.catalog();
    const d2 = catalog.instanceType('Microsoft', 'Standard_D2s_v5', 'eastus')!;
    assert.equal(d2.onDemandHourly, '0.1', 'Linux, not the Windows meter');
    assert.equal(d2.spotDiscount, 0.8, 'from the spot meter');
    assert.match(d2.priceSource, /^Azure Retail Prices API, 2026-11-22$/);
    assert.equal(catalog.instanceType('AWS', 'm5.large')!.onDemandHourly, '0.075');
    // n2-standard-4: 4 x 0.031611 + 16 x 0.004237 = 0.194236; spot 4 x 0.00765 + 16 x 0.001025.
    const n2 = catalog.instanceType('Google Cloud', 'n2-standard-4')!;
    assert.equal(n2.onDemandHourly, '0.194236');
    assert.equal(n2.spotDiscount, 0.758); // 1 - 0.047 / 0.194236
    // A type no source priced keeps the bundled price.
    assert.equal(
      catalog.instanceType('AWS', 'c5.large')!.priceSource,
      'bundled catalog 2024-09-01',
    );
  });

  it('prices recommendations with the refreshed list prices', async () => {
    const catalog = await prices.catalog();
    const r = resource('0.384', { instanceType: 'm5.2xlarge', usage: usage(0.22, 9.5) });
    const d = rightsizing(r, WINDOW_HOURS, DEFAULT_RECOMMEND_CONFIG, catalog)!;
    // Effective 0.384/h; list 0.30 -> 0.15: half of 280.32.
    assert.equal(d.monthlySavings, '140.16');
    assert.match(d.pricing, /AWS Price List API, 2026-11-22/);
  });

  it('keeps the previous prices when a source fails, and names the request', async () => {
    azureDown = true;
    const results = await prices.refresh(new Date('2026-11-23T06:00:00Z'));
    assert.equal(results[0]!.status, 'failed');
    assert.match(
      results[0]!.error!,
      /^Azure Retail Prices eastus page 1: the response is not JSON/,
    );
    assert.equal(results[1]!.status, 'succeeded', 'the other sources still refresh');
    const catalog = await prices.catalog();
    const d2 = catalog.instanceType('Microsoft', 'Standard_D2s_v5', 'eastus')!;
    assert.equal(d2.onDemandHourly, '0.1');
    assert.match(d2.priceSource, /2026-11-22$/, 'the last good refresh');
    assert.match(catalog.instanceType('AWS', 'm5.large')!.priceSource, /2026-11-23$/);
  });
});
