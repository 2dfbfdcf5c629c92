import { createHash } from 'node:crypto';
import { D, Dec } from '../gpu/gpu-cost-split.js';
import type { ResourceInput } from './inputs.js';

/** Hours in a month, as the providers' monthly figures use them. */
export const HOURS_PER_MONTH = 730;

export const RECOMMENDATION_KINDS = [
  'rightsize',
  'gpu-rightsize',
  'idle',
  'spot',
  'commitment',
  'storage-tier',
] as const;
export type RecommendationKind = (typeof RECOMMENDATION_KINDS)[number];

export type Risk = 'low' | 'medium' | 'high';

/** One proposal a recommender makes; the engine keeps it as a recommendation with a lifecycle. */
export interface RecommendationDraft {
  kind: RecommendationKind;
  /** The resource (or the commitment scope: `commitment:<provider>`). */
  resourceId: string;
  resourceName: string | null;
  provider: string | null;
  region: string | null;
  team: string | null;
  /** One line: what to do. */
  title: string;
  /** The stable part of the proposal (target type, tier, level): part of the fingerprint. */
  proposal: Record<string, string | number | boolean | null>;
  /** Up to three options (rightsizing), best first; each with its own saving and risk. */
  options: RecommendationOption[];
  /** Effective cost of the resource per month now (a decimal string). */
  currentMonthlyCost: string;
  /** Monthly saving at the prices this organisation pays; null when a price is unknown. */
  monthlySavings: string | null;
  /** Why the saving is null, or how it was priced. */
  pricing: string;
  risk: Risk;
  riskReason: string;
  /** The measurements the proposal rests on. */
  evidence: Record<string, unknown>;
}

export interface RecommendationOption {
  target: string;
  monthlySavings: string | null;
  risk: Risk;
  detail: Record<string, unknown>;
}

/** The fields of a draft that name the resource it is about and whose it is. */
export function about(
  r: ResourceInput,
): Pick<RecommendationDraft, 'resourceId' | 'resourceName' | 'provider' | 'region' | 'team'> {
  return {
    resourceId: r.resourceId,
    resourceName: r.resourceName,
    provider: r.provider,
    region: r.region,
    team: r.team,
  };
}

/** The same kind, resource and proposal give the same fingerprint on every run. */
export function fingerprint(d: Pick<RecommendationDraft, 'kind' | 'resourceId' | 'proposal'>) {
  const proposal = Object.keys(d.proposal)
    .sort()
    .map((k) => [k, d.proposal[k]]);
  return createHash('sha256')
    .update(JSON.stringify([d.kind, d.resourceId, proposal]))
    .digest('hex')
    .slice(0, 32);
}

/**
 * Performance risk from projected utilization (the highest over CPU, memory, GPU): up to 0.6 low,
 * up to 0.85 medium, above high.
 */
export function riskOf(projected: number): Risk {
  return projected <= 0.6 ? 'low' : projected <= 0.85 ? 'medium' : 'high';
}

/** A monthly amount from an amount over `hours`. */
export function perMonth(amount: Dec, hours: number): Dec {
  return hours > 0 ? amount.times(HOURS_PER_MONTH).div(hours) : new D(0);
}
