import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Decimal } from 'decimal.js';
import { AwsSourceConfig } from '../../src/config/app-config.js';
import { PeriodRunResult } from '../../src/ingestion/cloud/cloud-import.service.js';
import { SourceRunFailedError } from '../../src/sources/sources.service.js';
import { createCloudApp } from '../support/cloud-app.js';
import { CeItem, ceError, costExplorerEmulator } from '../support/fake-cost-explorer.js';
import { fixture, sameAmount } from '../support/fixtures.js';
import { startLoopback } from '../support/loopback-server.js';

process.env['TEST_AWS_KEY_ID'] = 'AKIDEXAMPLE';
process.env['TEST_AWS_SECRET'] = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';

const server = await startLoopback(() => ({ status: 500 }));
const aws = (name: string, extra: Partial<AwsSourceConfig> = {}): AwsSourceConfig => ({
  name,
  kind: 'aws-cost-explorer',
  endpoint: server.url,
  region: 'us-east-1',
  credentials: { accessKeyId: '${env:TEST_AWS_KEY_ID}', secretAccessKey: '${env:TEST_AWS_SECRET}' },
  groupBy: ['LINKED_ACCOUNT', 'REGION', 'SERVICE', 'USAGE_TYPE'],
  tagKeys: ['team'],
  maxRequests: 500,
  restatementDays: 5,
  enabled: true,
  ...extra,
});
const ctx = await createCloudApp([
  aws('recorded', { groupBy: ['SERVICE'], tagKeys: ['Environment'] }),
  aws('drill'),
  aws('small', { groupBy: ['SERVICE'], tagKeys: [] }),
  aws('budget', { maxRequests: 2 }),
]);
const NOW = new Date('2026-11-20T06:00:00Z');

/** Two accounts, two regions, three services, tagged and untagged, over three days. */
function items(): CeItem[] {
  const out: CeItem[] = [];
  const days = ['2026-10-01', '2026-10-02', '2026-10-31'];
  let cents = 1;
  for (const day of days) {
    for (const account of ['111111111111', '222222222222']) {
      for (const region of ['us-east-1', 'eu-west-1']) {
        for (const [service, usage, unit] of [
          ['Amazon Elastic Compute Cloud - Compute', 'BoxUsage:p4d.24xlarge', 'Hrs'],
          ['Amazon Simple Storage Service', 'TimedStorage-ByteHrs', 'GB-Mo'],
          ['Amazon Simple Storage Service', 'Requests-Tier1', 'Requests'],
        ] as const) {
          for (const team of ['ml', undefined]) {
            cents += 7;
            out.push({
              day,
              dims: {
                LINKED_ACCOUNT: account,
                REGION: region,
                SERVICE: service,
                USAGE_TYPE: usage,
              },
              tags: team ? { team } : {},
              unblended: `${cents}.0000000123`,
              netAmortized: `${cents - 1}.5`,
              usage: '1.25',
              unit,
            });
          }
        }
      }
    }
  }
  return out;
}
const sum = (xs: CeItem[], f: (x: CeItem) => string) =>
  xs.reduce((a, x) => a.plus(f(x)), new Decimal(0)).toString();

describe('aws-cost-explorer importer', () => {
  it('imports the recorded aws-cli GetCostAndUsage response exactly', async () => {
    const recorded = readFileSync(
      fixture('cloud/ce-GetCostAndUsage-S3-by-SERVICE-and-TAG.aws-cli.response.json'),
      'utf8',
    );
    server.handler = () => ({ body: recorded });
    const [r] = (await ctx.sources.run('recorded', {
      trigger: 'cli',
      period: '2017-09',
      now: NOW,
    })) as PeriodRunResult[];
    assert.equal(r!.status, 'succeeded');
    assert.equal(r!.requests, 1);
    const sent = JSON.parse(server.requests.at(-1)!.body) as Record<string, unknown>;
    assert.deepEqual(sent['TimePeriod'], { Start: '2017-09-01', End: '2017-10-01' });
    assert.equal(sent['Granularity'], 'DAILY');
    assert.deepEqual(sent['GroupBy'], [
      { Type: 'DIMENSION', Key: 'SERVICE' },
      { Type: 'TAG', Key: 'Environment' },
    ]);
    assert.match(String(server.requests.at(-1)!.headers['authorization']), /AKIDEXAMPLE/);
    const t = await ctx.totals('recorded', '2017-09');
    assert.deepEqual(t, {
      rows: 2,
      billed: '40.6226137778',
      effective: '40.6226137778',
      list: '0',
    });
    const rows = await ctx.rows('recorded', '2017-09');
    assert.deepEqual(
      rows.map((x) => [x['service_name'], x['tags'], x['provider_name'], x['charge_category']]),
      [
        ['Amazon Simple Storage Service', null, 'AWS', 'Usage'],
        ['Amazon Simple Storage Service', { Environment: 'Dev' }, 'AWS', 'Usage'],
      ],
    );
  });

  it('drills four dimensions and a tag two at a time, following pages, to exact totals', async () => {
    const data = items();
    server.handler = costExplorerEmulator(data, {
      pageSize: 5,
      accountNames: { '111111111111': 'research', '222222222222': 'platform' },
    });
    const before = server.requests.length;
    const [r] = (await ctx.sources.run('drill', {
      trigger: 'cli',
      period: '2026-10',
      now: NOW,
    })) as PeriodRunResult[];
    assert.equal(r!.status, 'succeeded', r!.message ?? '');
    // Level 1: accounts × regions → 4 pairs; level 2: one query per pair by service → 8
    // triples; leaves: one query per triple by usage type and team; pages of 5 groups.
    assert.equal(r!.requests, server.requests.length - before);
    assert.equal(r!.rows, data.length);
    assert.ok(
      sameAmount(
        r!.billedCost,
        sum(data, (x) => x.unblended),
      ),
      r!.billedCost,
    );
    assert.ok(
      sameAmount(
        r!.effectiveCost,
        sum(data, (x) => x.netAmortized),
      ),
      r!.effectiveCost,
    );
    const rows = await ctx.rows('drill', '2026-10');
    const one = rows.find(
      (x) =>
        x['sub_account_id'] === '222222222222' &&
        x['region_id'] === 'eu-west-1' &&
        (x['charge_description'] as string) === 'Requests-Tier1' &&
        (x['tags'] as Record<string, string> | null)?.['team'] === 'ml' &&
        (x['charge_period_start'] as Date).toISOString() === '2026-10-31T00:00:00.000Z',
    );
    assert.ok(one, 'a leaf row keeps account, region, usage type, tag and day');
    assert.equal(one['sub_account_name'], 'platform');
    assert.equal(one['consumed_unit'], 'Requests');
    assert.equal(one['consumed_quantity'], '1.25');
    assert.equal((one['extensions'] as Record<string, string>)['x_UsageType'], 'Requests-Tier1');
    assert.equal((one['extensions'] as Record<string, string>)['x_Estimated'], 'true');
    const final = rows.find((x) => (x['charge_period_start'] as Date).getUTCDate() === 1)!;
    assert.equal((final['extensions'] as Record<string, string>)['x_Estimated'], undefined);
  });

  it('retries LimitExceededException and 429 Retry-After, then succeeds', async () => {
    const emulate = costExplorerEmulator(items());
    let calls = 0;
    server.handler = (req) => {
      calls++;
      if (calls === 1) return ceError('LimitExceededException', 'Rate exceeded');
      if (calls === 2)
        return ceError('ThrottlingException', 'slow down', 429, { 'retry-after': '7' });
      return emulate(req);
    };
    ctx.delays.length = 0;
    const [r] = (await ctx.sources.run('small', {
      trigger: 'cli',
      period: '2026-10',
      now: NOW,
    })) as PeriodRunResult[];
    assert.equal(r!.status, 'succeeded');
    assert.equal(r!.retries, 2);
    assert.equal(r!.requests, 3);
    assert.equal(ctx.delays.length, 2);
    assert.ok(ctx.delays[0]! <= 100, 'first wait is jittered backoff within the base delay');
    assert.equal(ctx.delays[1], 7000, 'Retry-After is honoured');
  });

  it('keeps the last good data when the provider fails: 5xx, malformed JSON, mid-run error', async () => {
    server.handler = costExplorerEmulator(items(), { pageSize: 4 });
    await ctx.sources.run('drill', { trigger: 'cli', period: '2026-10', now: NOW });
    const good = await ctx.totals('drill', '2026-10');

    const attempts = async (handler: typeof server.handler, pattern: RegExp) => {
      server.handler = handler;
      await assert.rejects(
        ctx.sources.run('drill', { trigger: 'cli', period: '2026-10', now: NOW }),
        (e: unknown) => e instanceof SourceRunFailedError && pattern.test(e.message),
      );
      assert.deepEqual(await ctx.totals('drill', '2026-10'), good);
    };
    await attempts(
      () => ceError('InternalServerError', 'boom', 503),
      /GetCostAndUsage 2026-10-01\.\.2026-11-01 by LINKED_ACCOUNT,REGION page 1: .*HTTP 503.*gave up after 3 attempts/,
    );
    await attempts(() => ({ body: '{"ResultsByTime": [' }), /GetCostAndUsage .*page 1: /);
    const emulate = costExplorerEmulator(items(), { pageSize: 4 });
    let n = 0;
    await attempts(
      (req) => (++n === 6 ? ceError('AccessDeniedException', 'not authorized', 400) : emulate(req)),
      /AccessDeniedException: not authorized \(HTTP 400/,
    );
    const [last] = await ctx.app
      .get((await import('../../src/ingestion/import-runs.service.js')).ImportRunsService)
      .list(1, 'drill');
    assert.equal(last!.status, 'failed');
    assert.equal(last!.period, '2026-10');
    assert.ok(last!.requests! >= 6);
  });

  it('replaces a period with nothing when the provider reports no costs', async () => {
    server.handler = costExplorerEmulator(items());
    await ctx.sources.run('small', { trigger: 'cli', period: '2026-10', now: NOW });
    assert.ok((await ctx.totals('small', '2026-10')).rows > 0);
    server.handler = costExplorerEmulator([]);
    const [r] = (await ctx.sources.run('small', {
      trigger: 'cli',
      period: '2026-10',
      now: NOW,
    })) as PeriodRunResult[];
    assert.equal(r!.status, 'succeeded');
    assert.deepEqual(await ctx.totals('small', '2026-10'), {
      rows: 0,
      billed: '0',
      effective: '0',
      list: '0',
    });
  });

  it('stops before spending more requests than maxRequests allows', async () => {
    server.handler = costExplorerEmulator(items());
    await assert.rejects(
      ctx.sources.run('budget', { trigger: 'cli', period: '2026-10', now: NOW }),
      /maxRequests \(2\): grouping by SERVICE needs 4 more requests \(one per LINKED_ACCOUNT × REGION combination\)/,
    );
  });

  it('two concurrent runs of one source and period leave one copy of the data', async () => {
    const emulate = costExplorerEmulator(items(), { pageSize: 7 });
    server.handler = async (req) => {
      await new Promise((r) => setTimeout(r, 20));
      return emulate(req);
    };
    const results = (
      await Promise.all([
        ctx.sources.run('drill', { trigger: 'cli', period: '2026-10', now: NOW }),
        ctx.sources.run('drill', { trigger: 'api', period: '2026-10', now: NOW }),
      ])
    ).flat() as PeriodRunResult[];
    assert.deepEqual(results.map((r) => r.status).sort(), ['skipped', 'succeeded']);
    assert.match(
      results.find((r) => r.status === 'skipped')!.message!,
      /another process or replica/,
    );
    const t = await ctx.totals('drill', '2026-10');
    assert.equal(t.rows, items().length);
    assert.ok(
      sameAmount(
        t.billed,
        sum(items(), (x) => x.unblended),
      ),
      t.billed,
    );
  });

  it('re-imports the previous month within the restatement window', async () => {
    server.handler = costExplorerEmulator(items());
    const results = (await ctx.sources.run('small', {
      trigger: 'schedule',
      now: new Date('2026-11-03T00:00:00Z'),
    })) as PeriodRunResult[];
    assert.deepEqual(
      results.map((r) => [r.period, r.status]),
      [
        ['2026-10', 'succeeded'],
        ['2026-11', 'succeeded'],
      ],
    );
    const sent = JSON.parse(server.requests.at(-1)!.body) as { TimePeriod: unknown };
    assert.deepEqual(sent.TimePeriod, { Start: '2026-11-01', End: '2026-11-04' });
  });
});
