import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricView } from '../../src/allocation/business-metrics.controller.js';
import type { UnitCost } from '../../src/allocation/unit-costs.js';
import { createAllocationApp } from '../support/allocation-app.js';
import { bearer } from '../support/tokens.js';

const RULES = `
organisation:
  - businessUnit: Products
    costCenters:
      - costCenter: CC-1
        teams:
          - { name: search, products: [web-search] }
          - { name: ml, products: [llm] }
ruleSets:
  - version: v1
    effectiveFrom: 2024-01
    rules:
      - name: team tag
        team: { tag: team }
        product: { tag: product }
    pools:
      - name: cdn
        when: { service: CDN }
        method: metric
        metric: requests
`;

const ctx = await createAllocationApp(RULES, {
  '2024-08': [
    { billed: '80', effective: '80', tags: { team: 'search', product: 'web-search' } },
    { billed: '50', effective: '50', tags: { team: 'ml' } },
    { billed: '10', effective: '10', service: 'CDN' },
  ],
  '2024-09': [
    { billed: '100', effective: '100', tags: { team: 'search', product: 'web-search' } },
    { billed: '60', effective: '60', tags: { team: 'ml', product: 'llm' } },
    { billed: '30', effective: '30', service: 'CDN' },
  ],
});

const METRICS = [
  { metric: 'requests', period: '2024-08', team: 'search', value: '800000', unit: 'request' },
  { metric: 'requests', period: '2024-09', team: 'search', value: 1000000, unit: 'request' },
  { metric: 'requests', period: '2024-09', team: 'ml', value: '500000', unit: 'request' },
  { metric: 'tokens', date: '2024-09-01', product: 'llm', value: '1000' },
  { metric: 'tokens', date: '2024-09-02', product: 'llm', value: '2000' },
];

describe('business metrics and unit costs', () => {
  it('rejects a bad batch naming the entry and field, storing none of it', async () => {
    const bad = [
      [{ ...METRICS[0], value: '-5' }, 'metrics[1]: value: must be a non-negative'],
      [{ ...METRICS[0], team: 'nobody' }, 'metrics[1]: team: "nobody" is not a team'],
      [{ ...METRICS[0], period: undefined }, 'metrics[1]: period: give either period or date'],
      [{ ...METRICS[0], date: '2024-02-30', period: undefined }, 'metrics[1]: date: is not'],
      [{ ...METRICS[0], product: 'mystery', team: undefined }, 'metrics[1]: product:'],
      [METRICS[1], 'metrics[1]: metric: same value key as metrics[0]'],
    ] as const;
    for (const [entry, message] of bad) {
      const r = await ctx.call('/api/business-metrics', {
        method: 'POST',
        body: { metrics: [METRICS[1], entry] },
      });
      assert.equal(r.status, 400, `${message}: ${JSON.stringify(r.body)}`);
      assert.match(String(r.body['message']), new RegExp(message.replace(/[[\]().]/g, '\\$&')));
    }
    const stored = await ctx.call<MetricView[]>('/api/business-metrics?period=2024-09');
    assert.deepEqual(stored.body, []);
  });

  it('stores values from JSON and CSV (the last value for a key wins) and audits the load', async () => {
    const r = await ctx.call('/api/business-metrics', {
      method: 'POST',
      body: { metrics: METRICS.slice(0, 4) },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(r.body, {
      stored: 4,
      metrics: ['requests', 'tokens'],
      periods: ['2024-08', '2024-09'],
    });

    const csv = (text: string, name = 'metrics.csv') => {
      const form = new FormData();
      form.append('file', new Blob([text]), name);
      return ctx.call('/api/business-metrics/upload', { method: 'POST', body: form });
    };
    const bad = await csv(
      'metric,date,product,value\ntokens,2024-09-02,llm,2000\ntokens,2024-09-03,llm,12abc\n',
    );
    assert.equal(bad.status, 400);
    assert.match(String(bad.body['message']), /^metrics\.csv:3: value: must be a non-negative/);
    const wrongColumn = await csv('metric,day,value\ntokens,2024-09-02,1\n', 'm.csv');
    assert.match(String(wrongColumn.body['message']), /^m\.csv:1: day: unknown column/);
    const twice = await csv(
      'metric,date,product,value\ntokens,2024-09-05,llm,1\ntokens,2024-09-06,llm,1\ntokens,2024-09-05,llm,2\n',
    );
    assert.equal(twice.status, 400);
    assert.match(
      String(twice.body['message']),
      /^metrics\.csv:4: metric: same value key as metrics\.csv:2/,
    );
    const none = await csv('metric,date,product,value\n', 'empty.csv');
    assert.equal(none.status, 400);
    assert.match(String(none.body['message']), /^empty\.csv: \(file\): no values/);

    // The first tokens value is replaced, the second day added.
    const good = await csv(
      'metric,date,product,value\ntokens,2024-09-01,llm,1000\ntokens,2024-09-02,llm,2000\n',
    );
    assert.equal(good.status, 201, JSON.stringify(good.body));
    const tokens = await ctx.call<MetricView[]>(
      '/api/business-metrics?period=2024-09&metric=tokens',
    );
    assert.deepEqual(tokens.body, [
      {
        metric: 'tokens',
        team: null,
        product: 'llm',
        value: '3000',
        unit: null,
        granularity: 'day',
        days: 2,
      },
    ]);
    const [audit] = (await ctx.db.query(
      `SELECT target, after FROM audit_event WHERE action = 'business_metrics.loaded' ORDER BY id DESC LIMIT 1`,
    )) as { target: string; after: { stored: number } }[];
    assert.equal(audit!.target, 'upload:metrics.csv');
    assert.equal(audit!.after.stored, 2);
  });

  it('splits a metric pool by a business metric and reports unit cost with the month-over-month change', async () => {
    // CDN (30) by requests in 2024-09: search 1,000,000, ml 500,000 -> 20 and 10.
    const alloc = await ctx.call<{ teams: { team: string; shared: string; total: string }[] }>(
      '/api/allocation?period=2024-09',
    );
    assert.deepEqual(
      alloc.body.teams.map((t) => [t.team, t.shared, t.total]),
      [
        ['search', '20.00', '120.00'],
        ['ml', '10.00', '70.00'],
      ],
    );
    const units = await ctx.call<UnitCost[]>('/api/unit-costs?period=2024-09');
    assert.equal(units.status, 200);
    assert.deepEqual(
      units.body.map((u) => [u.metric, u.team, u.product, u.cost, u.value, u.unitCost, u.change]),
      [
        // 120 / 1,000,000; August 90 / 800,000 = 0.0001125: +6.7 %
        ['requests', 'ml', null, '70.00', '500000', '0.00014', null],
        ['requests', 'search', null, '120.00', '1000000', '0.00012', '6.7'],
        // The product's direct cost: 60 / 3,000 tokens over two days.
        ['tokens', null, 'llm', '60.00', '3000', '0.02', null],
      ],
    );
    const search = units.body.find((u) => u.team === 'search')!;
    assert.deepEqual(search.previous, { cost: '90.00', value: '800000', unitCost: '0.0001125' });
    assert.equal(units.body.find((u) => u.product === 'llm')!.days, 2);

    const lead = await bearer(ctx.app, 'lead', ['ml']);
    const mine = await ctx.call<UnitCost[]>('/api/unit-costs?period=2024-09', { headers: lead });
    assert.deepEqual(
      mine.body.map((u) => [u.metric, u.team ?? u.product]),
      [
        ['requests', 'ml'],
        ['tokens', 'llm'],
      ],
    );
    const forbidden = await ctx.call('/api/business-metrics', {
      method: 'POST',
      headers: lead,
      body: { metrics: [METRICS[2]] },
    });
    assert.equal(forbidden.status, 403);
  });
});
