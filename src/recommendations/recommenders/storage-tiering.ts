import { D, Dec } from '../../gpu/gpu-cost-split.js';
import type { RecommendConfig, StorageTier } from '../recommend-config.js';
import type { ResourceInput } from '../inputs.js';
import { cents } from '../../billing/money.js';
import { RecommendationDraft, about } from '../recommendation.js';

/** Monthly list cost of keeping `storedGb` in a tier and reading `readGb` a month from it. */
export function tierMonthlyCost(t: StorageTier, storedGb: number, readGb: number): Dec {
  return new D(t.storagePerGbMonth).times(storedGb).plus(new D(t.retrievalPerGb).times(readGb));
}

/**
 * The read rate (GB read a month per GB stored) above which the colder tier costs more:
 * r* = (p_warm - p_cold) / (f_cold - f_warm).
 */
export function breakEvenReadRate(warm: StorageTier, cold: StorageTier): Dec {
  const fees = new D(cold.retrievalPerGb).minus(warm.retrievalPerGb);
  const storage = new D(warm.storagePerGbMonth).minus(cold.storagePerGbMonth);
  return fees.lte(0) ? new D(Infinity) : storage.div(fees);
}

export interface TierChoice {
  tier: StorageTier;
  /** List-price saving a month after the transition cost is spread over the horizon. */
  monthlyNet: Dec;
  breakEvenReadRate: Dec;
}

/** The colder tier that saves most for this access pattern, if any saves at all. */
export function bestTier(
  tiers: readonly StorageTier[],
  current: number,
  storedGb: number,
  readGb: number,
  horizonMonths: number,
): TierChoice | null {
  const warm = tiers[current]!;
  const now = tierMonthlyCost(warm, storedGb, readGb);
  let best: TierChoice | null = null;
  for (const tier of tiers.slice(current + 1)) {
    const transition = new D(tier.transitionPerGb).times(storedGb).div(horizonMonths);
    const monthlyNet = now.minus(tierMonthlyCost(tier, storedGb, readGb)).minus(transition);
    if (monthlyNet.gt(0) && (!best || monthlyNet.gt(best.monthlyNet)))
      best = { tier, monthlyNet, breakEvenReadRate: breakEvenReadRate(warm, tier) };
  }
  return best;
}

/**
 * Buckets and containers whose reads are rare enough that a colder tier costs less after
 * retrieval fees and the transition. List prices decide; the saving is scaled to the effective
 * storage cost (the discount the organisation gets on storage carries over).
 */
export function storageTiering(
  r: ResourceInput,
  config: RecommendConfig,
): RecommendationDraft | null {
  const s = r.storage;
  const tiers = r.provider ? config.storage.tiers[r.provider] : undefined;
  if (!s || !tiers || s.storedGb <= 0 || !isObjectStorage(r)) return null;
  const current = currentTier(tiers, r.meters);
  const choice = bestTier(
    tiers,
    current,
    s.storedGb,
    s.readGbPerMonth,
    config.storage.horizonMonths,
  );
  if (!choice) return null;
  const listStorage = new D(tiers[current]!.storagePerGbMonth).times(s.storedGb);
  const ratio = listStorage.isZero() ? new D(1) : s.storageMonthly.div(listStorage);
  const saving = choice.monthlyNet.times(ratio);
  if (saving.lt(config.minMonthlySavings)) return null;
  const readRate = s.readGbPerMonth / s.storedGb;
  const r8 = choice.breakEvenReadRate.toDecimalPlaces(3).toNumber();
  return {
    kind: 'storage-tier',
    ...about(r),
    title: `Move ${r.resourceName ?? r.resourceId} from ${tiers[current]!.name} to ${choice.tier.name}`,
    proposal: { from: tiers[current]!.name, to: choice.tier.name },
    options: [],
    currentMonthlyCost: cents(s.storageMonthly.plus(s.otherMonthly)),
    monthlySavings: cents(saving),
    pricing: `list prices (configured tiers) scaled to the effective storage cost; transition spread over ${config.storage.horizonMonths} months`,
    risk: readRate < r8 / 2 ? 'low' : 'medium',
    riskReason: `reads ${round(readRate)} GB per GB stored a month; above ${r8} the colder tier costs more. Objects must stay ${choice.tier.minDays} days or be billed the rest`,
    evidence: {
      storedGb: round(s.storedGb),
      readGbPerMonth: round(s.readGbPerMonth),
      readRate: round(readRate),
      breakEvenReadRate: r8,
      minimumDays: choice.tier.minDays,
    },
  };
}

/** Buckets and containers of object storage (not volumes or snapshots). */
const isObjectStorage = (r: ResourceInput) =>
  /simple storage service|\bs3\b|blob|cloud storage|object storage/i.test(r.serviceName ?? '') ||
  /bucket|container/i.test(r.resourceType ?? '');

/** The coldest tier whose meter pattern the bucket's charges match, else the warmest. */
function currentTier(tiers: readonly StorageTier[], meters: readonly string[]): number {
  for (let i = tiers.length - 1; i > 0; i--) {
    const meter = tiers[i]!.meter;
    if (meter && meters.some((m) => new RegExp(meter, 'i').test(m))) return i;
  }
  return 0;
}

const round = (v: number) => Math.round(v * 1000) / 1000;
