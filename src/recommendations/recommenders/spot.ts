import { D, Dec } from '../../gpu/gpu-cost-split.js';
import { catalogProvider, InstanceCatalog } from '../../catalog/instance-catalog.js';
import type { RecommendConfig } from '../recommend-config.js';
import type { ResourceInput } from '../inputs.js';
import { cents } from '../../billing/money.js';
import { perMonth, RecommendationDraft, Risk, about } from '../recommendation.js';

const INTERRUPTION = ['under 5 %', '5–10 %', '10–15 %', '15–20 %', 'over 20 %'];

/**
 * On-demand machines whose workload is labelled interruptible (batch, CI, training with
 * checkpoints): run them on spot. The saving is the on-demand effective cost times the type's
 * typical spot discount; the risk follows its interruption class.
 */
export function spot(
  r: ResourceInput,
  windowHours: number,
  config: RecommendConfig,
  catalog = InstanceCatalog.bundled(),
): RecommendationDraft | null {
  const provider = catalogProvider(r.provider);
  const type = provider ? catalog.instanceType(provider, r.instanceType, r.region) : undefined;
  const label = interruptibleLabel(r.tags, config.spot.labels);
  if (!label || r.onDemand.lte(0) || !isCompute(r)) return null;
  const onDemandMonthly = perMonth(r.onDemand, windowHours);
  if (!type) return unpriced(r, label, onDemandMonthly, windowHours);
  if (type.interruptionBucket > config.spot.maxInterruptionBucket) return null;
  const saving = onDemandMonthly.times(new D(type.spotDiscount));
  if (saving.lt(config.minMonthlySavings)) return null;
  const risk: Risk =
    type.interruptionBucket <= 1 ? 'low' : type.interruptionBucket === 2 ? 'medium' : 'high';
  return {
    kind: 'spot',
    ...about(r),
    title: `Run ${r.resourceName ?? r.resourceId} (${type.instanceType}, ${label}) on spot capacity`,
    proposal: { action: 'spot', type: type.instanceType },
    options: [],
    currentMonthlyCost: cents(perMonth(r.effective, windowHours)),
    monthlySavings: cents(saving),
    pricing: `on-demand effective cost x typical spot discount ${Math.round(type.spotDiscount * 100)} % (${type.priceSource})`,
    risk,
    riskReason: `interruption frequency ${INTERRUPTION[type.interruptionBucket]} a month for ${type.instanceType}; the workload must tolerate a ${provider === 'AWS' ? 'two-minute' : '30-second'} notice`,
    evidence: {
      label,
      onDemandMonthly: cents(onDemandMonthly),
      spotDiscount: type.spotDiscount,
      interruptionClass: type.interruptionBucket,
    },
  };
}

/** A machine the catalog does not price: proposed all the same, saying the saving is unknown. */
function unpriced(
  r: ResourceInput,
  label: string,
  onDemandMonthly: Dec,
  windowHours: number,
): RecommendationDraft {
  const type = r.instanceType ?? 'this machine type';
  return {
    kind: 'spot',
    ...about(r),
    title: `Run ${r.resourceName ?? r.resourceId} (${label}) on spot capacity`,
    proposal: { action: 'spot', type: r.instanceType },
    options: [],
    currentMonthlyCost: cents(perMonth(r.effective, windowHours)),
    monthlySavings: null,
    pricing: `saving unknown: ${type} is not in the instance catalog`,
    risk: 'medium',
    riskReason: 'interruption frequency unknown for this type',
    evidence: { label, onDemandMonthly: cents(onDemandMonthly) },
  };
}

/** Compute usage: a catalog type, machine measurements, or a compute service line. */
const isCompute = (r: ResourceInput) =>
  r.instanceType !== null || r.usage !== null || /compute/i.test(r.serviceCategory ?? '');

/** `key=value` of the first tag that marks the workload interruptible, compared case-insensitively. */
function interruptibleLabel(
  tags: Record<string, string>,
  labels: Record<string, string[]>,
): string | null {
  for (const [key, values] of Object.entries(labels)) {
    const tag = Object.entries(tags).find(([k]) => k.toLowerCase() === key.toLowerCase());
    if (tag && values.some((v) => v.toLowerCase() === tag[1].toLowerCase()))
      return `${tag[0]}=${tag[1]}`;
  }
  return null;
}

/** A machine's name without its instance suffix (`ci-runner-7f3a` -> `ci-runner`). */
export function nameStem(name: string): string {
  return name.replace(/([-_.](?=[^-_.]*\d)[0-9a-z]+)+$/i, '') || name;
}

/**
 * Fleets of short-lived on-demand machines (CI runners, batch workers started per job): machines
 * of one type, team and name stem, each billed for at most `shortLivedHours` and gone before the
 * window ends. Work that comes and goes like that restarts well, so spot suits it.
 */
export function shortLivedFleets(
  resources: readonly ResourceInput[],
  windowHours: number,
  windowEnd: Date,
  config: RecommendConfig,
  catalog = InstanceCatalog.bundled(),
): RecommendationDraft[] {
  const cfg = config.spot;
  const fleets = new Map<string, ResourceInput[]>();
  for (const r of resources) {
    const gone = windowEnd.getTime() - r.lastSeen.getTime() >= 3_600_000;
    if (
      !r.instanceType ||
      r.onDemand.lte(0) ||
      r.runHours <= 0 ||
      r.runHours > cfg.shortLivedHours ||
      !gone
    )
      continue;
    const key = [r.provider, r.instanceType, r.team, nameStem(r.resourceName ?? r.resourceId)].join(
      '|',
    );
    fleets.set(key, [...(fleets.get(key) ?? []), r]);
  }
  const out: RecommendationDraft[] = [];
  for (const machines of fleets.values()) {
    if (machines.length < cfg.minFleet) continue;
    const first = machines[0]!;
    const provider = catalogProvider(first.provider);
    const type = provider
      ? catalog.instanceType(provider, first.instanceType, first.region)
      : undefined;
    if (!type || type.interruptionBucket > cfg.maxInterruptionBucket) continue;
    const onDemand = machines.reduce((s, m) => s.plus(m.onDemand), new D(0));
    const saving = perMonth(onDemand, windowHours).times(new D(type.spotDiscount));
    if (saving.lt(config.minMonthlySavings)) continue;
    const stem = nameStem(first.resourceName ?? first.resourceId);
    const hours = machines.reduce((s, m) => s + m.runHours, 0);
    out.push({
      kind: 'spot',
      resourceId: `fleet:${type.provider}:${type.instanceType}:${stem}`,
      resourceName: `${stem}-* (${machines.length} x ${type.instanceType})`,
      provider: first.provider,
      region: first.region,
      team: first.team,
      title: `Launch ${stem} machines (${type.instanceType}, short-lived) on spot capacity`,
      proposal: { action: 'spot-fleet', type: type.instanceType },
      options: [],
      currentMonthlyCost: cents(
        perMonth(
          machines.reduce((s, m) => s.plus(m.effective), new D(0)),
          windowHours,
        ),
      ),
      monthlySavings: cents(saving),
      pricing: `on-demand effective cost of the fleet x spot discount ${Math.round(type.spotDiscount * 100)} % (${type.priceSource})`,
      risk:
        type.interruptionBucket <= 1 ? 'low' : type.interruptionBucket === 2 ? 'medium' : 'high',
      riskReason: `${machines.length} machines lived ${Math.round((hours / machines.length) * 10) / 10} hours on average; interruption frequency ${INTERRUPTION[type.interruptionBucket]} a month`,
      evidence: {
        machines: machines.length,
        averageHours: Math.round((hours / machines.length) * 10) / 10,
        examples: machines.slice(0, 5).map((m) => m.resourceName ?? m.resourceId),
      },
    });
  }
  return out;
}
