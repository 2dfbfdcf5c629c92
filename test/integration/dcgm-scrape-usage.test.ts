import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadSources } from '../../src/config/app-config.js';
import { ALL_TEAMS } from '../../src/auth/team-scope.js';
import { GpuEfficiencyService } from '../../src/gpu/gpu-efficiency.service.js';
import type { UsageRunResult } from '../../src/ingestion/gpu/usage-import.service.js';
import { createCloudApp } from '../support/cloud-app.js';
import { fixture } from '../support/fixtures.js';
import { startLoopback } from '../support/loopback-server.js';

/**
 * The DataDog dcgm-exporter fixture: Tesla T4s on hosts 424773df46e0 (GPU_UTIL 0, replaced per
 * scrape) and 551bdf382151, an A10G on ip-11111 with only a field this product does not read,
 * and a few series without labels.
 */
const T4 = readFileSync(fixture('gpu/dcgm-exporter-metrics.datadog-fixture.prom'), 'utf8');
const t4Scrape = (util: number) => T4.replace(/^(DCGM_FI_DEV_GPU_UTIL\{[^}]*\}) 0$/m, `$1 ${util}`);

/** An A100 on an AKS node split into a 1g.10gb slice (half busy) and a 3g.40gb slice (busy). */
const migScrape = () => {
  const slice = (id: number, profile: string, pod: string, team: string) =>
    `gpu="0",UUID="GPU-a100-0001",modelName="NVIDIA A100 80GB PCIe",Hostname="aks-gpu-12345678-vmss00000a",` +
    `GPU_I_ID="${id}",GPU_I_PROFILE="${profile}",namespace="search",pod="${pod}",container="main",team="${team}"`;
  return [
    '# TYPE DCGM_FI_PROF_GR_ENGINE_ACTIVE gauge',
    `DCGM_FI_PROF_GR_ENGINE_ACTIVE{${slice(1, '1g.10gb', 'embed-0', 'search')}} 0.5`,
    `DCGM_FI_PROF_GR_ENGINE_ACTIVE{${slice(2, '3g.40gb', 'rank-0', 'ranking')}} 1`,
    '',
  ].join('\n');
};

const AZ = '/subscriptions/0000/resourceGroups/ml/providers/Microsoft.Compute';
const HEADER =
  'BillingAccountId,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ChargeClass,ChargeDescription,BilledCost,EffectiveCost,ListCost,ConsumedQuantity,ConsumedUnit,PricingQuantity,PricingUnit,PricingCategory,ProviderName,InvoiceIssuerName,ServiceName,ServiceCategory,RegionId,ResourceId,ResourceName,ResourceType,SkuPriceDetails,SubAccountId,SubAccountName,Tags';
const vmLine = (id: string, sku: string, cost: string) =>
  `0000,USD,2024-09-01T00:00:00Z,2024-10-01T00:00:00Z,2024-09-02T10:00:00Z,2024-09-02T12:00:00Z,Usage,,${sku} hours,${cost},${cost},${cost},2,Hours,2,Hours,Standard,Microsoft,Microsoft,Virtual Machines,Compute,eastus,${id},vm,Virtual Machine,"{""InstanceType"": ""${sku}""}",0000,ml,{}`;

describe('dcgm-scrape source', () => {
  it('buffers scrapes, aggregates each closed hour, maps hosts by rule, and prices MIG slices', async () => {
    const util = [20, 60, 100, 0, 0];
    let t4Calls = 0;
    const exporter = await startLoopback((req) => {
      const text = { 'content-type': 'text/plain; version=0.0.4' };
      if (req.url === '/t4/metrics') return { headers: text, body: t4Scrape(util[t4Calls++]!) };
      if (req.url === '/mig/metrics') return { headers: text, body: migScrape() };
      return { status: 503, body: 'exporter restarting' };
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'finops-dcgm-'));
    writeFileSync(
      path.join(dir, 'bill.csv'),
      [
        HEADER,
        // The T4's VM is not named after its host: only the rule below finds it. The fixture's
        // other hosts have no cost line.
        vmLine(`${AZ}/virtualMachines/vm-424773df46e0`, 'Standard_NC4as_T4_v3', '2.00'),
        // The AKS node is found by its scale-set instance (base-36 "00000a" = 10).
        vmLine(
          `${AZ}/virtualMachineScaleSets/aks-gpu-12345678-vmss/virtualMachines/10`,
          'Standard_NC24ads_A100_v4',
          '7.00',
        ),
      ].join('\n') + '\n',
    );
    writeFileSync(
      path.join(dir, 'sources.yaml'),
      `sources:
  - name: bill
    kind: focus-file
    path: ${path.join(dir, 'bill.csv')}
  - name: edge
    kind: dcgm-scrape
    intervalSeconds: 1800
    targets:
      - ${exporter.url}/t4/metrics
      - ${exporter.url}/mig/metrics
      - ${exporter.url}/down/metrics
    resourceIdRules:
      - host: '^([0-9a-f]{12})$'
        resourceId: 'virtualMachines/vm-$1'
`,
    );
    const { app, sources, db } = await createCloudApp(loadSources(dir));
    await sources.run('bill', { trigger: 'cli' });
    const scrape = async (at: string) =>
      (
        (await sources.run('edge', { trigger: 'schedule', now: new Date(at) })) as UsageRunResult[]
      )[0]!;

    const first = await scrape('2024-09-02T10:10:00Z');
    assert.equal(first.status, 'buffered');
    assert.match(first.message ?? '', /down\/metrics: .*503/);
    assert.equal((await scrape('2024-09-02T10:40:00Z')).status, 'buffered');
    const hour10 = await scrape('2024-09-02T11:10:00Z');
    assert.equal(hour10.status, 'succeeded', hour10.message ?? '');
    assert.equal(hour10.from, '2024-09-02T10:00:00.000Z');
    assert.equal(hour10.to, '2024-09-02T11:00:00.000Z');
    assert.equal(hour10.gpuRows, 4); // two T4s, two MIG slices
    assert.equal(hour10.findings['metric not used: DCGM_FI_DEV_SM_CLOCK'], 2);
    assert.ok(hour10.findings['series without label hostname']! > 0);
    assert.ok(Object.keys(hour10.findings).some((k) => /scrape failed: .*down/.test(k)));
    await scrape('2024-09-02T11:40:00Z');
    const hour11 = await scrape('2024-09-02T12:10:00Z');
    assert.equal(hour11.status, 'succeeded');
    assert.equal(hour11.gpuRows, 4);
    assert.equal(t4Calls, 5);
    const [{ buffered }] = (await db.query(
      `SELECT count(*)::int AS buffered FROM gpu_scrape_sample`,
    )) as [{ buffered: number }];
    assert.equal(buffered, 2, 'only the 12:10 scrapes of the two live exporters are left');

    const t4 = (await db.query(
      `SELECT hour, resource_id, samples, covered_seconds, gpu_util_avg, gpu_util_p95, power_avg_w
         FROM gpu_usage WHERE host = '424773df46e0' ORDER BY hour`,
    )) as Record<string, unknown>[];
    assert.deepEqual(t4, [
      {
        hour: new Date('2024-09-02T10:00:00Z'),
        resource_id: 'virtualMachines/vm-424773df46e0',
        samples: 2,
        covered_seconds: 3600,
        gpu_util_avg: 40,
        gpu_util_p95: 60,
        power_avg_w: 8.97, // 8.969 W, kept to 0.01 W
      },
      {
        hour: new Date('2024-09-02T11:00:00Z'),
        resource_id: 'virtualMachines/vm-424773df46e0',
        samples: 2,
        covered_seconds: 3600,
        gpu_util_avg: 50,
        gpu_util_p95: 100,
        power_avg_w: 8.97, // 8.969 W, kept to 0.01 W
      },
    ]);

    // $3.50 an hour for the A100 node: the 1g slice (1/7, $0.50) is half busy, the 3g slice
    // (3/7, $1.50) fully busy, and the 3/7 nobody partitioned ($1.50) is idle. The T4 ($1.00 an
    // hour) has no pod: its busy share is used, the rest idle.
    const report = await app.get(GpuEfficiencyService).report('2024-09', 'team', ALL_TEAMS);
    const byTeam = Object.fromEntries(
      report.groups.map((g) => [
        g.key ?? '(none)',
        [g.gpuHours, g.effectiveCost, g.usedCost, g.idleCost, g.avgUtilization],
      ]),
    );
    assert.deepEqual(byTeam, {
      '(none)': ['2.86', '5.00', '0.90', '4.10', 31.5],
      ranking: ['0.86', '3.00', '3.00', '0.00', 100],
      search: ['0.29', '1.00', '0.50', '0.50', 50],
    });
    assert.deepEqual(
      [report.total.effectiveCost, report.total.gpuHours, report.total.idleCost],
      ['9.00', '4.00', '4.60'],
    );
    assert.deepEqual(report.unpriced, { gpuHours: '2.00', hosts: ['551bdf382151'] });
    const nodes = Object.fromEntries(report.nodes.map((n) => [n.host, [n.resourceId, n.gpus]]));
    assert.deepEqual(nodes, {
      '424773df46e0': [`${AZ}/virtualMachines/vm-424773df46e0`, 1],
      'aks-gpu-12345678-vmss00000a': [
        `${AZ}/virtualMachineScaleSets/aks-gpu-12345678-vmss/virtualMachines/10`,
        1,
      ],
      '551bdf382151': [null, 1],
    });
  });
});
