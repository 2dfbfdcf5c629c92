import { D, Dec } from '../../gpu/gpu-cost-split.js';
import type { CommitmentInstrument, RecommendConfig } from '../recommend-config.js';
import { cents } from '../../billing/money.js';
import { HOURS_PER_MONTH, RecommendationDraft, RecommendationOption } from '../recommendation.js';

/**
 * The on-demand-equivalent commitment level that minimizes cost over an hourly series:
 * C(c) = sum_t [(1 - d) c + max(0, x_t - c)] is convex and piecewise linear with slope
 * T(1 - d) - #{x_t > c}, so the optimum is the k-th smallest hour with k = ceil(T d): the
 * d-quantile, where the share of hours above the level equals 1 - d.
 */
export function optimalLevel(hours: readonly Dec[], discount: number): Dec {
  if (hours.length === 0 || discount <= 0) return new D(0);
  const sorted = [...hours].sort((a, b) => a.cmp(b));
  const k = Math.ceil(hours.length * discount - 1e-9);
  return sorted[Math.max(0, k - 1)]!;
}

/** Cost of a series with a commitment covering `level` of on-demand spend an hour at `discount`. */
export function costWithCommitment(hours: readonly Dec[], level: Dec, discount: number): Dec {
  const fee = level.times(1 - discount);
  return hours.reduce((s, x) => s.plus(fee).plus(D.max(0, x.minus(level))), new D(0));
}

export interface CommitmentPlan {
  instrument: CommitmentInstrument;
  /** On-demand-equivalent spend covered per hour. */
  level: Dec;
  /** What the commitment costs per hour ((1 - discount) x level): the amount to buy. */
  hourlyCommitment: Dec;
  coverage: number;
  utilization: number;
  monthlySavings: Dec;
  upfront: Dec;
  /** Months until the savings repay the upfront payment (0 without one). */
  breakEvenMonths: number;
}

const UPFRONT_SHARE = { 'no-upfront': 0, 'partial-upfront': 0.5, 'all-upfront': 1 } as const;

export function commitmentPlan(
  hours: readonly Dec[],
  instrument: CommitmentInstrument,
): CommitmentPlan {
  const d = instrument.discount;
  const level = optimalLevel(hours, d);
  const total = hours.reduce((s, x) => s.plus(x), new D(0));
  const covered = hours.reduce((s, x) => s.plus(D.min(x, level)), new D(0));
  const T = hours.length;
  const saved = total.minus(costWithCommitment(hours, level, d));
  const hourly = level.times(1 - d);
  const upfront = hourly
    .times(8760 * instrument.termYears)
    .times(UPFRONT_SHARE[instrument.payment]);
  const monthlySavings = saved.times(HOURS_PER_MONTH).div(T);
  // Each month the commitment replaces on-demand spend it covers and costs its recurring part.
  const recurring = hourly.times(HOURS_PER_MONTH).times(1 - UPFRONT_SHARE[instrument.payment]);
  const monthlyGain = covered.times(HOURS_PER_MONTH).div(T).minus(recurring);
  return {
    instrument,
    level,
    hourlyCommitment: hourly,
    coverage: total.isZero() ? 0 : covered.div(total).toNumber(),
    utilization: level.isZero() ? 0 : covered.div(level.times(T)).toNumber(),
    monthlySavings,
    upfront,
    breakEvenMonths: upfront.isZero()
      ? 0
      : monthlyGain.lte(0)
        ? Infinity
        : Math.ceil(upfront.div(monthlyGain).toNumber()),
  };
}

/**
 * A commitment for a provider's eligible on-demand compute: each available instrument's optimal
 * level, the best one proposed and the others as options.
 */
export function commitments(
  provider: string,
  hours: readonly Dec[],
  config: RecommendConfig,
): RecommendationDraft | null {
  const instruments = config.commitments.instruments[provider] ?? [];
  const used = hours.filter((x) => x.gt(0)).length;
  if (instruments.length === 0 || used < config.commitments.minHours) return null;
  const plans = instruments
    .map((i) => commitmentPlan(hours, i))
    .filter((p) => p.monthlySavings.gte(config.minMonthlySavings))
    .sort((a, b) => b.monthlySavings.cmp(a.monthlySavings));
  const best = plans[0];
  if (!best) return null;
  const total = hours.reduce((s, x) => s.plus(x), new D(0));
  const name = (p: CommitmentPlan) =>
    `${p.instrument.name}, ${p.instrument.termYears} year, ${p.instrument.payment}`;
  const options: RecommendationOption[] = plans.slice(0, 3).map((p) => ({
    target: name(p),
    monthlySavings: cents(p.monthlySavings),
    risk: p.instrument.termYears === 3 ? 'medium' : 'low',
    detail: planDetail(p),
  }));
  return {
    kind: 'commitment',
    resourceId: `commitment:${provider}`,
    resourceName: `${provider} compute`,
    provider,
    region: null,
    team: null,
    title: `Commit ${cents(best.hourlyCommitment)}/hour: ${name(best)}`,
    proposal: {
      instrument: best.instrument.name,
      termYears: best.instrument.termYears,
      payment: best.instrument.payment,
    },
    options,
    currentMonthlyCost: cents(total.times(HOURS_PER_MONTH).div(hours.length)),
    monthlySavings: cents(best.monthlySavings),
    pricing: `on-demand effective cost of eligible compute over ${hours.length} hours; discount ${Math.round(best.instrument.discount * 100)} % (configured)`,
    risk: best.instrument.termYears === 3 ? 'medium' : 'low',
    riskReason: `${best.instrument.termYears}-year term; sized so ${Math.round((1 - best.instrument.discount) * 100)} % of hours use more than the commitment (the optimum), not to peak`,
    evidence: {
      hours: hours.length,
      hoursWithUsage: used,
      hourlyOnDemand: {
        min: cents(D.min(...hours)),
        mean: cents(total.div(hours.length)),
        max: cents(D.max(...hours)),
      },
      ...planDetail(best),
    },
  };
}

function planDetail(p: CommitmentPlan) {
  return {
    hourlyCommitment: cents(p.hourlyCommitment),
    onDemandEquivalentPerHour: cents(p.level),
    coverage: Math.round(p.coverage * 1000) / 1000,
    utilization: Math.round(p.utilization * 1000) / 1000,
    upfront: cents(p.upfront),
    breakEvenMonths: Number.isFinite(p.breakEvenMonths) ? p.breakEvenMonths : null,
  };
}
