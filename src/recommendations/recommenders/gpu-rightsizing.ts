import { D, Dec } from '../../gpu/gpu-cost-split.js';
import { catalogProvider, InstanceCatalog, InstanceType } from '../../catalog/instance-catalog.js';
import type { MigProfile } from '../../catalog/gpu-catalog.js';
import type { RecommendConfig } from '../recommend-config.js';
import type { GpuStats, ResourceInput } from '../inputs.js';
import { cents } from '../../billing/money.js';
import { perMonth, RecommendationDraft, riskOf, about } from '../recommendation.js';

const DAY = 86_400_000;

/**
 * GPU machines: stop one whose GPUs have all been idle for days (a notebook left running, a
 * cluster after its job), or move an under-used one to a smaller GPU type that holds its peak
 * framebuffer with headroom at an acceptable projected activity.
 */
export function gpuRightsizing(
  r: ResourceInput,
  windowHours: number,
  windowEnd: Date,
  config: RecommendConfig,
  catalog = InstanceCatalog.bundled(),
): RecommendationDraft | null {
  const cfg = config.gpu;
  const measured = r.gpus.filter((g) => g.hours >= cfg.minHours);
  if (measured.length === 0 || measured.length < r.gpus.length) return null;
  const monthly = perMonth(r.effective, windowHours);
  const base = {
    ...about(r),
    currentMonthlyCost: cents(monthly),
  };
  const idleSince = latestIdleStart(measured);
  const idleDays = idleSince ? (windowEnd.getTime() - idleSince.getTime()) / DAY : 0;
  const name = r.resourceName ?? r.resourceId;
  if (idleSince && idleDays >= cfg.idleDays) {
    const committed = r.onDemand.lt(r.effective);
    const held = Math.max(...measured.map((g) => g.idleMemoryShare ?? 0));
    return {
      ...base,
      kind: 'gpu-rightsize',
      title: `Stop ${name}: its ${measured.length} GPU(s) have been idle for ${Math.floor(idleDays)} days`,
      proposal: { action: 'stop', idleSince: idleSince.toISOString().slice(0, 10) },
      options: [],
      monthlySavings: cents(monthly),
      pricing: committed
        ? 'effective cost; part of it is committed, so the saving is real only if the commitment is used elsewhere'
        : 'effective cost',
      risk: held >= cfg.idleMemory ? 'medium' : 'low',
      riskReason:
        `no GPU activity above ${cfg.idleActivity} since ${idleSince.toISOString()}` +
        (held >= cfg.idleMemory
          ? `; a process still holds ${pct(held)} of GPU memory (a notebook kernel or server with state): save its work before stopping`
          : '; GPU memory empty'),
      evidence: {
        idleSince: idleSince.toISOString(),
        idleDays: round(idleDays),
        memoryHeldWhileIdle: round(held),
        gpus: measured.map(gpuEvidence),
      },
    };
  }
  return smallerGpuType(r, measured, monthly, base, config, catalog);
}

function smallerGpuType(
  r: ResourceInput,
  gpus: GpuStats[],
  monthly: Dec,
  base: Omit<
    RecommendationDraft,
    | 'kind'
    | 'title'
    | 'proposal'
    | 'options'
    | 'monthlySavings'
    | 'pricing'
    | 'risk'
    | 'riskReason'
    | 'evidence'
  >,
  config: RecommendConfig,
  catalog: InstanceCatalog,
): RecommendationDraft | null {
  const cfg = config.gpu;
  const provider = catalogProvider(r.provider);
  const current = provider ? catalog.instanceType(provider, r.instanceType, r.region) : undefined;
  const model = current?.gpuModel;
  if (!provider || !current || !model) return null;
  const activity = max(gpus.map((g) => g.activityP95));
  const memory = max(gpus.map((g) => g.memoryMaxGib));
  if (activity === null || memory === null || activity >= cfg.underusedActivity) return null;
  const price = (t: InstanceType) => new D(t.onDemandHourly);
  const projected = (t: InstanceType) =>
    (activity * model.relativeThroughput) / t.gpuModel!.relativeThroughput;
  const candidate = catalog
    .gpuInstanceTypesOf(provider, r.region)
    .filter(
      (t) =>
        t.gpuCount === current.gpuCount &&
        t.gpuModel!.memoryGb >= memory * cfg.memoryHeadroom &&
        projected(t) <= cfg.targetActivity &&
        price(t).lt(price(current)),
    )
    .sort((a, b) => price(a).cmp(price(b)))[0];
  if (!candidate) return null;
  const saving = monthly.times(D.sub(1, price(candidate).div(price(current))));
  if (saving.lt(config.minMonthlySavings)) return null;
  const risk = riskOf(projected(candidate));
  return {
    ...base,
    kind: 'gpu-rightsize',
    title: `Move ${r.resourceName ?? r.resourceId} from ${current.instanceType} (${model.model}) to ${candidate.instanceType} (${candidate.gpuModel!.model})`,
    proposal: { action: 'resize', from: current.instanceType, to: candidate.instanceType },
    options: [],
    monthlySavings: cents(saving),
    pricing: `effective cost x list-price ratio (${current.priceSource})`,
    risk: gpus.some((g) => g.activitySource === 'gpu-util') && risk === 'low' ? 'medium' : risk,
    riskReason: `projected p95 activity ${pct(projected(candidate))} on ${candidate.gpuModel!.model} (relative throughput ${candidate.gpuModel!.relativeThroughput} vs ${model.relativeThroughput}); peak framebuffer ${round(memory)} GiB of ${candidate.gpuModel!.memoryGb} GB`,
    evidence: {
      activityP95: round(activity),
      memoryPeakGib: round(memory),
      gpus: gpus.map(gpuEvidence),
    },
  };
}

/** One GPU workload to place on MIG slices. */
export interface GpuWorkload {
  id: string;
  activityP95: number;
  memoryMaxGib: number;
}

/**
 * The smallest MIG profile that holds a workload: memory >= peak x headroom, and compute share x
 * target activity >= its p95 activity (on the same GPU model). Undefined when none does.
 */
export function migProfileFor(
  w: GpuWorkload,
  profiles: readonly MigProfile[],
  computeSlices: number,
  config: RecommendConfig['gpu'],
): MigProfile | undefined {
  return [...profiles]
    .sort((a, b) => a.computeSlices - b.computeSlices || a.memoryGb - b.memoryGb)
    .find(
      (p) =>
        p.memoryGb >= w.memoryMaxGib * config.migMemoryHeadroom &&
        (p.computeSlices / computeSlices) * config.targetActivity >= w.activityP95,
    );
}

/**
 * Packs workloads onto MIG slices of as few GPUs as possible (first fit by decreasing slices;
 * a GPU holds `computeSlices` slices and its memory). Returns the GPUs used, or undefined when a
 * workload fits no profile.
 */
export function packOnMig(
  workloads: readonly GpuWorkload[],
  profiles: readonly MigProfile[],
  computeSlices: number,
  memoryGb: number,
  config: RecommendConfig['gpu'],
): { gpus: { profile: string; workload: string }[][] } | undefined {
  const placed: { w: GpuWorkload; p: MigProfile }[] = [];
  for (const w of workloads) {
    const p = migProfileFor(w, profiles, computeSlices, config);
    if (!p) return undefined;
    placed.push({ w, p });
  }
  placed.sort((a, b) => b.p.computeSlices - a.p.computeSlices || a.w.id.localeCompare(b.w.id));
  const gpus: { slices: number; memory: number; items: { profile: string; workload: string }[] }[] =
    [];
  for (const { w, p } of placed) {
    let gpu = gpus.find(
      (g) => g.slices + p.computeSlices <= computeSlices && g.memory + p.memoryGb <= memoryGb,
    );
    if (!gpu) gpus.push((gpu = { slices: 0, memory: 0, items: [] }));
    gpu.slices += p.computeSlices;
    gpu.memory += p.memoryGb;
    gpu.items.push({ profile: p.name, workload: w.id });
  }
  return { gpus: gpus.map((g) => g.items) };
}

/**
 * Under-used GPU machines of one type and team that could share GPUs: when their workloads fit
 * on MIG slices of fewer machines, propose packing them and releasing the rest.
 */
export function migConsolidation(
  machines: readonly ResourceInput[],
  windowHours: number,
  config: RecommendConfig,
  catalog = InstanceCatalog.bundled(),
): RecommendationDraft | null {
  const cfg = config.gpu;
  const first = machines[0];
  const provider = first ? catalogProvider(first.provider) : undefined;
  const type = provider ? catalog.instanceType(provider, first!.instanceType) : undefined;
  const model = type?.gpuModel;
  if (!first || !type || !model || model.migProfiles.length === 0 || machines.length < 2)
    return null;
  const workloads: GpuWorkload[] = [];
  for (const m of machines)
    for (const g of m.gpus) {
      if (g.hours < cfg.minHours || g.activityP95 === null || g.memoryMaxGib === null) return null;
      if (g.activityP95 >= cfg.underusedActivity) return null;
      workloads.push({
        id: `${m.resourceName ?? m.resourceId}/${g.uuid}`,
        activityP95: g.activityP95,
        memoryMaxGib: g.memoryMaxGib,
      });
    }
  const packed = packOnMig(workloads, model.migProfiles, model.computeSlices, model.memoryGb, cfg);
  if (!packed) return null;
  const machinesNeeded = Math.ceil(packed.gpus.length / type.gpuCount);
  const released = machines.length - machinesNeeded;
  if (released <= 0) return null;
  const monthly = machines.reduce((s, m) => s.plus(perMonth(m.effective, windowHours)), new D(0));
  const saving = monthly.times(released).div(machines.length);
  if (saving.lt(config.minMonthlySavings)) return null;
  const ids = machines.map((m) => m.resourceName ?? m.resourceId).sort();
  return {
    kind: 'gpu-rightsize',
    resourceId: `pool:${type.provider}:${type.instanceType}:${first.team ?? 'unallocated'}`,
    resourceName: `${machines.length} x ${type.instanceType}`,
    provider: first.provider,
    region: first.region,
    team: first.team,
    title: `Pack ${workloads.length} under-used ${model.model} workloads onto MIG slices of ${machinesNeeded} ${type.instanceType} and release ${released}`,
    proposal: {
      action: 'mig-pack',
      type: type.instanceType,
      machines: machines.length,
      keep: machinesNeeded,
    },
    options: [],
    currentMonthlyCost: cents(monthly),
    monthlySavings: cents(saving),
    pricing: 'effective cost of the released machines (average of the group)',
    risk: 'medium',
    riskReason:
      'MIG slices isolate memory and faults, but each workload gets a fixed share of the GPU; test latency before releasing machines',
    evidence: { machines: ids, layout: packed.gpus, workloads },
  };
}

/** The start of the idle run every GPU is in, or null when one of them is busy at the end. */
function latestIdleStart(gpus: readonly GpuStats[]): Date | null {
  let latest: Date | null = null;
  for (const g of gpus) {
    if (!g.idleSince) return null;
    if (!latest || g.idleSince > latest) latest = g.idleSince;
  }
  return latest;
}

function gpuEvidence(g: GpuStats) {
  return {
    uuid: g.uuid,
    model: g.model,
    hours: g.hours,
    activityP95: g.activityP95 === null ? null : round(g.activityP95),
    activitySource: g.activitySource,
    memoryPeakGib: g.memoryMaxGib === null ? null : round(g.memoryMaxGib),
    heldHours: g.heldHours,
    lastWorkload: g.workload,
  };
}

function max(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? Math.max(...known) : null;
}

const round = (v: number) => Math.round(v * 1000) / 1000;
const pct = (v: number) => `${Math.round(v * 100)} %`;
