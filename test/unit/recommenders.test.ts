import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { D } from '../../src/gpu/gpu-cost-split.js';
import { seededRandom } from '../../src/ingestion/gpu/seeded-random.js';
import {
  DEFAULT_RECOMMEND_CONFIG as CONFIG,
  loadRecommendConfig,
  recommendConfigSchema,
} from '../../src/recommendations/recommend-config.js';
import { readYamlFile } from '../../src/config/yaml-file.js';
import path from 'node:path';
import { CLI } from '../support/fixtures.js';
import { fingerprint } from '../../src/recommendations/recommendation.js';
import {
  commitmentPlan,
  commitments,
  costWithCommitment,
  optimalLevel,
} from '../../src/recommendations/recommenders/commitments.js';
import {
  gpuRightsizing,
  migConsolidation,
  migProfileFor,
} from '../../src/recommendations/recommenders/gpu-rightsizing.js';
import { idleResource, orphanedDisk } from '../../src/recommendations/recommenders/idle.js';
import { rightsizing } from '../../src/recommendations/recommenders/rightsizing.js';
import { nameStem, shortLivedFleets, spot } from '../../src/recommendations/recommenders/spot.js';
import {
  bestTier,
  breakEvenReadRate,
  storageTiering,
} from '../../src/recommendations/recommenders/storage-tiering.js';
import { gpuModel } from '../../src/catalog/gpu-catalog.js';
import { gpu, NOW, resource, usage, WINDOW_HOURS } from '../support/recommend-inputs.js';

const withConfig = (patch: Record<string, unknown>) => recommendConfigSchema.parse(patch);

describe('CPU and memory rightsizing', () => {
  it('reproduces the worked example: m5.2xlarge at 22 % p95 CPU and 9.5 GiB peak -> m5.xlarge, 140.16 a month', () => {
    const r = resource('0.384', { instanceType: 'm5.2xlarge', usage: usage(0.22, 9.5) });
    const d = rightsizing(r, WINDOW_HOURS, CONFIG)!;
    assert.equal(d.proposal.to, 'm5.xlarge');
    assert.equal(d.monthlySavings, '140.16');
    assert.equal(d.currentMonthlyCost, '280.32');
    assert.equal(d.risk, 'low'); // 1.76/4 = 44 % CPU, 9.5/16 = 59 % memory
    assert.deepEqual(d.evidence['needed'], { vcpu: 2.2, memoryGib: 11.875 });
    assert.deepEqual(
      d.options.map((o) => o.target),
      ['m5.xlarge'],
    );
  });

  it('prices the saving at the effective cost: a 30 % discount carries over to the new type', () => {
    const r = resource('0.2688', { instanceType: 'm5.2xlarge', usage: usage(0.22, 9.5) });
    assert.equal(rightsizing(r, WINDOW_HOURS, CONFIG)!.monthlySavings, '98.11');
  });

  it('offers up to three options across allowed families, cheapest first, never below peak memory', () => {
    const config = withConfig({ rightsizing: { familyGroups: [['m5', 'c5', 'r5', 't3']] } });
    const r = resource('0.384', { instanceType: 'm5.2xlarge', usage: usage(0.1, 5) });
    const d = rightsizing(r, WINDOW_HOURS, config)!;
    // Needs 1 vCPU and 6.25 GiB: t3.large (2, 8) 0.0832, m5.large (2, 8) 0.096, r5.large (2, 16)
    // 0.126; c5.large (4 GiB) is too small.
    assert.deepEqual(
      d.options.map((o) => o.target),
      ['t3.large', 'm5.large', 'r5.large'],
    );
    for (const o of d.options) assert.ok((o.detail['memoryGib'] as number) >= 5);
    const bigMemory = resource('0.384', { instanceType: 'm5.2xlarge', usage: usage(0.05, 30) });
    assert.equal(rightsizing(bigMemory, WINDOW_HOURS, config), null);
  });

  it('keeps at least the current memory when memory was not measured, and skips short or unknown data', () => {
    const config = withConfig({ rightsizing: { familyGroups: [['m5', 'r5']] } });
    const r = resource('0.384', { instanceType: 'm5.2xlarge', usage: usage(0.1, null) });
    assert.equal(rightsizing(r, WINDOW_HOURS, config)!.proposal.to, 'r5.xlarge');
    const short = resource('0.384', {
      instanceType: 'm5.2xlarge',
      usage: { ...usage(0.1, 5), hours: 20 },
    });
    assert.equal(rightsizing(short, WINDOW_HOURS, CONFIG), null);
    const unknown = resource('0.384', { instanceType: 'x9.huge', usage: usage(0.1, 5) });
    assert.equal(rightsizing(unknown, WINDOW_HOURS, CONFIG), null);
  });
});

describe('GPU rightsizing', () => {
  it('stops a machine whose GPUs have been idle for days, saving its whole effective cost', () => {
    const since = new Date(NOW.getTime() - 3.5 * 86_400_000);
    const r = resource('0.85364', {
      provider: 'Google Cloud',
      instanceType: 'g2-standard-8',
      gpus: [gpu({ idleSince: since, activityP95: 0.4 })],
    });
    const d = gpuRightsizing(r, WINDOW_HOURS, NOW, CONFIG)!;
    assert.equal(d.proposal.action, 'stop');
    assert.equal(d.monthlySavings, '623.16'); // 0.85364 x 730
    assert.equal(d.evidence['idleDays'], 3.5);
    assert.equal(d.risk, 'low');
    // A kernel still holding 9 % of the GPU's memory: stop it all the same, but save its work.
    const holding = gpuRightsizing(
      { ...r, gpus: [gpu({ idleSince: since, idleMemoryShare: 0.09 })] },
      WINDOW_HOURS,
      NOW,
      CONFIG,
    )!;
    assert.equal(holding.proposal.action, 'stop');
    assert.equal(holding.risk, 'medium');
    assert.match(holding.riskReason, /still holds 9 %/);
    const recent = resource('0.85364', {
      instanceType: 'g2-standard-8',
      provider: 'Google Cloud',
      gpus: [gpu({ idleSince: new Date(NOW.getTime() - 86_400_000) })],
    });
    assert.notEqual(gpuRightsizing(recent, WINDOW_HOURS, NOW, CONFIG)?.proposal.action, 'stop');
  });

  it('moves an under-used A100 to the cheapest GPU that holds 1.3 x its peak memory at <= 80 % projected activity', () => {
    const r = resource('3.673', {
      provider: 'Microsoft',
      instanceType: 'Standard_NC24ads_A100_v4',
      gpus: [gpu({ activityP95: 0.1, memoryMaxGib: 12 })],
    });
    const d = gpuRightsizing(r, WINDOW_HOURS, NOW, CONFIG)!;
    // T4 16 GB >= 15.6; 0.1 x 1 / 0.21 = 48 % projected; (3.673 - 0.526) x 730 = 2297.31.
    assert.equal(d.proposal.to, 'Standard_NC4as_T4_v3');
    assert.equal(d.monthlySavings, '2297.31');
    assert.equal(d.risk, 'low');
    const busy = resource('3.673', {
      provider: 'Microsoft',
      instanceType: 'Standard_NC24ads_A100_v4',
      gpus: [gpu({ activityP95: 0.35, memoryMaxGib: 12 })],
    });
    // 0.35 / 0.21 and 0.35 / 0.4 exceed 80 %: nothing smaller fits.
    assert.equal(gpuRightsizing(busy, WINDOW_HOURS, NOW, CONFIG), null);
  });

  it('picks the MIG profile of the research example and packs three small workloads onto one GPU', () => {
    const a100 = gpuModel('A100-80GB')!;
    const profile = migProfileFor(
      { id: 'w', activityP95: 0.1, memoryMaxGib: 8 },
      a100.migProfiles,
      a100.computeSlices,
      CONFIG.gpu,
    );
    assert.equal(profile?.name, '1g.10gb');
    const machines = [0, 1, 2].map((i) =>
      resource('3.673', {
        resourceId: `vm-${i}`,
        resourceName: `infer-${i}`,
        provider: 'Microsoft',
        instanceType: 'Standard_NC24ads_A100_v4',
        gpus: [gpu({ uuid: `GPU-${i}`, activityP95: 0.08, memoryMaxGib: 8 })],
      }),
    );
    const d = migConsolidation(machines, WINDOW_HOURS, CONFIG)!;
    assert.equal(d.proposal.keep, 1);
    // Two of three machines released: 2 x 3.673 x 730 = 5362.58.
    assert.equal(d.monthlySavings, '5362.58');
    assert.deepEqual(
      (d.evidence['layout'] as { profile: string }[][]).map((g) => g.map((x) => x.profile)),
      [['1g.10gb', '1g.10gb', '1g.10gb']],
    );
  });
});

describe('idle and orphaned resources', () => {
  it('finds an idle machine, an idle address, an old snapshot and a load balancer with no traffic', () => {
    const vm = resource('0.1', {
      instanceType: 'm5.large',
      usage: { ...usage(0.01, 2), cpuMax: 0.03 },
    });
    assert.equal(idleResource(vm, WINDOW_HOURS, NOW, CONFIG)?.proposal.action, 'stop');
    const busy = resource('0.1', { instanceType: 'm5.large', usage: usage(0.2, 2) });
    assert.equal(idleResource(busy, WINDOW_HOURS, NOW, CONFIG), null);
    const ip = resource('0.005', { meters: ['$0.005 per idle public ipv4 address per hour'] });
    const ipRec = idleResource(ip, WINDOW_HOURS, NOW, CONFIG)!;
    assert.equal(ipRec.proposal.action, 'release-address');
    assert.equal(ipRec.monthlySavings, '3.65');
    const snap = (firstSeen: string) =>
      resource('0.01', { meters: ['ebs:snapshotusage'], firstSeen: new Date(firstSeen) });
    assert.equal(
      idleResource(snap('2024-05-01T00:00:00Z'), WINDOW_HOURS, NOW, CONFIG)?.proposal.action,
      'delete-snapshot',
    );
    assert.equal(idleResource(snap('2024-08-01T00:00:00Z'), WINDOW_HOURS, NOW, CONFIG), null);
    const lb = (meters: string[]) =>
      resource('0.0225', { serviceName: 'Elastic Load Balancing', meters });
    assert.equal(
      idleResource(lb(['$0.0225 per application loadbalancer-hour']), WINDOW_HOURS, NOW, CONFIG)
        ?.proposal.action,
      'delete-load-balancer',
    );
    assert.equal(
      idleResource(
        lb(['$0.0225 per application loadbalancer-hour', '$0.008 per used lcu-hour']),
        WINDOW_HOURS,
        NOW,
        CONFIG,
      ),
      null,
    );
  });
});

describe('disks of stopped machines', () => {
  const days = (n: number) => new Date(NOW.getTime() - n * 86_400_000);
  const azureDisk = resource('0.0274', {
    provider: 'Microsoft',
    resourceType: 'Disk',
    resourceId:
      '/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/disks/web-1_OsDisk_1_abc',
    resourceName: 'web-1_OsDisk_1_abc',
  });
  const gceDisk = resource('0.0274', {
    provider: 'Google Cloud',
    resourceId: '//compute.googleapis.com/projects/p/zones/z/disks/nb-1',
    resourceName: 'nb-1',
  });

  it('finds an Azure disk whose VM stopped or is gone, and a GCE boot disk of a stopped instance', () => {
    const stopped = orphanedDisk(
      azureDisk,
      new Map([['web-1', days(5)]]),
      WINDOW_HOURS,
      NOW,
      CONFIG,
    )!;
    assert.equal(stopped.proposal.action, 'delete-disk');
    assert.equal(stopped.monthlySavings, '20.00'); // 0.0274 x 730
    assert.match(stopped.title, /web-1 has not run for 5 days/);
    assert.match(
      orphanedDisk(azureDisk, new Map(), WINDOW_HOURS, NOW, CONFIG)!.title,
      /not billed any more/,
    );
    assert.equal(
      orphanedDisk(azureDisk, new Map([['web-1', days(1)]]), WINDOW_HOURS, NOW, CONFIG),
      null,
    );
    assert.equal(
      orphanedDisk(gceDisk, new Map([['nb-1', days(4)]]), WINDOW_HOURS, NOW, CONFIG)?.proposal
        .action,
      'delete-disk',
    );
    // A GCE disk with no instance of its name in the window may be a data disk: no proposal.
    assert.equal(orphanedDisk(gceDisk, new Map(), WINDOW_HOURS, NOW, CONFIG), null);
    const awsVolume = resource('0.0274', { resourceId: 'vol-0abc', resourceType: 'volume' });
    assert.equal(orphanedDisk(awsVolume, new Map(), WINDOW_HOURS, NOW, CONFIG), null);
  });
});

describe('spot', () => {
  it('proposes spot for a batch-labelled on-demand machine, with the saving and the interruption risk', () => {
    const r = resource('0.34', { instanceType: 'c5.2xlarge', tags: { Workload: 'Batch' } });
    const d = spot(r, WINDOW_HOURS, CONFIG)!;
    assert.equal(d.monthlySavings, '148.92'); // 0.34 x 730 x 0.60
    assert.equal(d.risk, 'low');
    assert.equal(d.evidence['label'], 'Workload=Batch');
    assert.equal(
      spot(resource('0.34', { instanceType: 'c5.2xlarge' }), WINDOW_HOURS, CONFIG),
      null,
    );
  });

  it('proposes spot for a fleet of short-lived machines of one type, team and name stem', () => {
    const runner = (id: string, hours: number, goneDaysAgo: number) =>
      resource('0', {
        resourceId: `i-${id}`,
        resourceName: `ci-runner-${id}`,
        instanceType: 'c5.2xlarge',
        runHours: hours,
        effective: new D('0.34').times(hours),
        onDemand: new D('0.34').times(hours),
        lastSeen: new Date(NOW.getTime() - goneDaysAgo * 86_400_000),
      });
    const fleet = [
      runner('a1b2', 2, 2),
      runner('c3d4', 2, 3),
      runner('e5f6', 2, 4),
      runner('0f9e', 2, 5),
    ];
    const [d, ...more] = shortLivedFleets(
      [...fleet, runner('long1', 200, 1), runner('live1', 2, 0)],
      WINDOW_HOURS,
      NOW,
      CONFIG,
    );
    assert.equal(more.length, 0);
    assert.equal(d!.resourceId, 'fleet:AWS:c5.2xlarge:ci-runner');
    assert.equal(d!.evidence['machines'], 4, 'neither the long-running nor the still-running one');
    // 4 x 2 h x 0.34 = 2.72 in 336 hours: 5.91 a month on demand, x 0.60.
    assert.equal(d!.monthlySavings, '3.55');
    assert.equal(nameStem('ci-runner-7f3a'), 'ci-runner');
    assert.equal(nameStem('batch_worker.12'), 'batch_worker');
    assert.deepEqual(shortLivedFleets(fleet.slice(0, 2), WINDOW_HOURS, NOW, CONFIG), []);
  });

  it('says the saving is unknown for a type the catalog does not price, instead of 0', () => {
    const r = resource('0.5', { instanceType: 'z1d.large', tags: { workload: 'ci' } });
    const d = spot(r, WINDOW_HOURS, CONFIG)!;
    assert.equal(d.monthlySavings, null);
    assert.match(d.pricing, /unknown/);
  });
});

describe('commitments', () => {
  it('commits to the d-quantile: hours 1..10 at 30 % -> level 3, cost 49 instead of 55', () => {
    const hours = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((x) => new D(x));
    assert.equal(optimalLevel(hours, 0.3).toString(), '3');
    assert.equal(costWithCommitment(hours, new D(3), 0.3).toString(), '49');
    const plan = commitmentPlan(hours, {
      name: 'SP',
      termYears: 1,
      payment: 'no-upfront',
      discount: 0.3,
    });
    assert.equal(plan.hourlyCommitment.toString(), '2.1');
    assert.equal(plan.utilization, 0.9); // 27 of 30 used
    assert.equal(plan.coverage, 27 / 55);
    assert.equal(plan.monthlySavings.toString(), '438'); // 6 over 10 hours x 730
    assert.equal(plan.breakEvenMonths, 0);
  });

  it('matches a brute-force search over levels for 30 days of diurnal usage at three discounts', () => {
    const rand = seededRandom(7);
    const hours = Array.from({ length: 720 }, (_, t) =>
      new D(100 + 30 * Math.sin((2 * Math.PI * t) / 24) + (rand() - 0.5) * 10).toDecimalPlaces(4),
    );
    for (const d of [0.28, 0.45, 0.66]) {
      const level = optimalLevel(hours, d);
      const best = costWithCommitment(hours, level, d);
      for (let c = 0; c <= 140; c += 0.25)
        assert.ok(best.lte(costWithCommitment(hours, new D(c), d)), `d=${d} c=${c}`);
      for (const x of hours) assert.ok(best.lte(costWithCommitment(hours, x, d)));
      const above = hours.filter((x) => x.gt(level)).length / hours.length;
      assert.ok(Math.abs(above - (1 - d)) <= 1 / hours.length, `d=${d}: ${above}`);
    }
  });

  it('proposes the instrument that saves most, with coverage, utilization and break-even', () => {
    const hours = Array.from({ length: 336 }, (_, t) => new D(t % 24 < 12 ? '10' : '6'));
    const d = commitments('AWS', hours, CONFIG)!;
    assert.equal(d.proposal.termYears, 3);
    assert.equal(d.proposal.payment, 'all-upfront');
    assert.equal(d.options.length, 3);
    // 52 % discount: the 175th of 336 sorted hours is 10, so level 10 at 4.80/h against 8/h on
    // average: 1075.20 saved over 336 hours, 2336.00 a month; 126,144 upfront / 5,840 a month.
    assert.equal(d.evidence['onDemandEquivalentPerHour'], '10.00');
    assert.equal(d.evidence['hourlyCommitment'], '4.80');
    assert.equal(d.monthlySavings, '2336.00');
    assert.equal(d.evidence['breakEvenMonths'], 22);
    assert.equal(d.evidence['coverage'], 1);
    assert.equal(commitments('AWS', hours.slice(0, 100), CONFIG), null);
  });
});

describe('storage tiering', () => {
  const tiers = CONFIG.storage.tiers['AWS']!;

  it('reproduces the break-even read rates: Standard -> IA 1.05, -> Glacier IR 0.633', () => {
    assert.equal(breakEvenReadRate(tiers[0]!, tiers[1]!).toString(), '1.05');
    assert.equal(breakEvenReadRate(tiers[0]!, tiers[2]!).toDecimalPlaces(4).toString(), '0.6333');
  });

  it('works the 10 TB example: 5 % read a month -> Glacier IR, 162.13 a month after the transition', () => {
    const choice = bestTier(tiers, 0, 10240, 512, 12)!;
    // Standard 235.52; Glacier IR 40.96 + 15.36 = 56.32; transition 204.80 / 12 = 17.07.
    assert.equal(choice.tier.name, 'S3 Glacier Instant Retrieval');
    assert.equal(choice.monthlyNet.toDecimalPlaces(2).toString(), '162.13');
    assert.equal(bestTier(tiers, 0, 10240, 20480, 12), null);
    const r = resource('0', {
      resourceId: 'arn:aws:s3:::logs',
      serviceName: 'Amazon Simple Storage Service',
      resourceType: 'Bucket',
      storage: {
        storedGb: 10240,
        readGbPerMonth: 512,
        storageMonthly: new D('235.52'),
        otherMonthly: new D('10'),
      },
    });
    const d = storageTiering(r, CONFIG)!;
    assert.equal(d.monthlySavings, '162.13');
    assert.equal(d.evidence['breakEvenReadRate'], 0.633);
    assert.equal(d.risk, 'low');
    // A snapshot bills GB-months too, but it is no bucket: no tiering.
    assert.equal(
      storageTiering(
        { ...r, serviceName: 'Amazon Elastic Compute Cloud', resourceType: 'Snapshot' },
        CONFIG,
      ),
      null,
    );
  });
});

describe('recommendations config', () => {
  it('reads the example file, and names the key of a bad value', () => {
    const dir = path.dirname(path.dirname(CLI));
    const example = loadRecommendConfig(path.join(dir, 'config-example-check'));
    assert.deepEqual(example, CONFIG, 'no file: the defaults');
    const file = path.join(dir, 'config', 'recommendations.example.yaml');
    const parsed = readYamlFile(file, recommendConfigSchema);
    assert.deepEqual(parsed.rightsizing.familyGroups[0], ['m5', 'm6i', 'm7i']);
    assert.equal(parsed.commitments.instruments['AWS']!.length, 2);
    assert.throws(
      () => recommendConfigSchema.parse({ rightsizing: { cpuHeadroom: 2 } }),
      /cpuHeadroom/,
    );
  });
});

describe('fingerprints', () => {
  it('are the same for the same kind, resource and proposal, whatever the key order', () => {
    const a = fingerprint({
      kind: 'rightsize',
      resourceId: 'i-1',
      proposal: { from: 'a', to: 'b' },
    });
    const b = fingerprint({
      kind: 'rightsize',
      resourceId: 'i-1',
      proposal: { to: 'b', from: 'a' },
    });
    const c = fingerprint({
      kind: 'rightsize',
      resourceId: 'i-1',
      proposal: { from: 'a', to: 'c' },
    });
    assert.equal(a, b);
    assert.notEqual(a, c);
  });
});
