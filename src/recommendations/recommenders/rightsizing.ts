import { D } from '../../gpu/gpu-cost-split.js';
import { catalogProvider, InstanceCatalog, InstanceType } from '../../catalog/instance-catalog.js';
import type { RecommendConfig } from '../recommend-config.js';
import type { ResourceInput } from '../inputs.js';
import { cents } from '../../billing/money.js';
import {
  perMonth,
  RecommendationDraft,
  RecommendationOption,
  riskOf,
  about,
} from '../recommendation.js';

/**
 * CPU and memory rightsizing: demand is the p95 CPU and the peak memory seen over the lookback;
 * a candidate must hold demand plus headroom, never less memory than the observed peak, and
 * cost less. The saving is the resource's effective cost scaled by the candidate's list-price
 * ratio, so discounts the organisation gets carry over.
 */
export function rightsizing(
  r: ResourceInput,
  windowHours: number,
  config: RecommendConfig,
  catalog = InstanceCatalog.bundled(),
): RecommendationDraft | null {
  const cfg = config.rightsizing;
  const provider = catalogProvider(r.provider);
  const u = r.usage;
  if (!provider || !u || u.hours < cfg.minHours || u.cpuP95 === null || r.gpus.length > 0)
    return null;
  const current = catalog.instanceType(provider, r.instanceType, r.region);
  if (!current || current.gpuCount > 0) return null;
  const cpuDemand = u.cpuP95 * current.vcpu;
  const cpuNeeded = cpuDemand / (1 - cfg.cpuHeadroom);
  const memPeak = u.memoryMaxGib;
  // Without memory measurements a candidate must keep at least the current memory.
  const memNeeded = memPeak === null ? current.memoryGib : memPeak / (1 - cfg.memoryHeadroom);
  const families = cfg.familyGroups.find((g) => g.includes(current.family)) ?? [current.family];
  const price = (t: InstanceType) => new D(t.onDemandHourly);
  const candidates = catalog
    .instanceTypesIn(provider, families, r.region)
    .filter(
      (c) =>
        c.gpuCount === 0 &&
        c.vcpu >= cpuNeeded &&
        c.memoryGib >= memNeeded &&
        (memPeak === null || c.memoryGib >= memPeak) &&
        price(c).lt(price(current)),
    )
    .sort((a, b) => price(a).cmp(price(b)) || a.instanceType.localeCompare(b.instanceType))
    .slice(0, cfg.maxOptions);
  if (candidates.length === 0) return null;
  const monthly = perMonth(r.effective, windowHours);
  const options: RecommendationOption[] = candidates.map((c) => {
    const saving = monthly.times(D.sub(1, price(c).div(price(current))));
    const cpuAfter = cpuDemand / c.vcpu;
    const memAfter = memPeak === null ? null : memPeak / c.memoryGib;
    return {
      target: c.instanceType,
      monthlySavings: cents(saving),
      risk: riskOf(Math.max(cpuAfter, memAfter ?? 0)),
      detail: {
        vcpu: c.vcpu,
        memoryGib: c.memoryGib,
        listHourly: c.onDemandHourly,
        projectedCpuP95: round(cpuAfter),
        projectedMemoryPeak: memAfter === null ? null : round(memAfter),
      },
    };
  });
  const best = options[0]!;
  if (new D(best.monthlySavings!).lt(config.minMonthlySavings)) return null;
  return {
    kind: 'rightsize',
    ...about(r),
    title: `Resize ${r.resourceName ?? r.resourceId} from ${current.instanceType} to ${best.target}`,
    proposal: { from: current.instanceType, to: best.target },
    options,
    currentMonthlyCost: cents(monthly),
    monthlySavings: best.monthlySavings,
    pricing: `effective cost x list-price ratio (${current.priceSource})`,
    risk: best.risk,
    riskReason: `projected p95 CPU ${pct(cpuDemand / candidates[0]!.vcpu)}, peak memory ${
      memPeak === null
        ? 'unknown (kept at least the current memory)'
        : pct(memPeak / candidates[0]!.memoryGib)
    } of ${best.target}`,
    evidence: {
      hoursMeasured: u.hours,
      cpuP95: round(u.cpuP95),
      cpuMax: u.cpuMax === null ? null : round(u.cpuMax),
      memoryPeakGib: memPeak === null ? null : round(memPeak),
      current: { type: current.instanceType, vcpu: current.vcpu, memoryGib: current.memoryGib },
      needed: { vcpu: round(cpuNeeded), memoryGib: round(memNeeded) },
      headroom: { cpu: cfg.cpuHeadroom, memory: cfg.memoryHeadroom },
    },
  };
}

const round = (v: number) => Math.round(v * 1000) / 1000;
const pct = (v: number) => `${Math.round(v * 100)} %`;
