import { z } from 'zod';
import { RECOMMENDATION_KINDS } from './recommendation.js';

export const STATUSES = [
  'open',
  'accepted',
  'implemented',
  'verified',
  'dismissed',
  'snoozed',
  'resolved',
] as const;
export type RecommendationStatus = (typeof STATUSES)[number];

export const DISMISS_REASONS = [
  'not-applicable',
  'expected',
  'seasonal',
  'migration',
  'other',
] as const;

/** Who may move a recommendation where; `verified` and `resolved` are set by the engine only. */
export const TRANSITIONS: Record<RecommendationStatus, readonly RecommendationStatus[]> = {
  open: ['accepted', 'implemented', 'dismissed', 'snoozed'],
  accepted: ['open', 'implemented', 'dismissed', 'snoozed'],
  snoozed: ['open', 'accepted', 'dismissed'],
  dismissed: ['open'],
  implemented: ['accepted'],
  verified: [],
  resolved: [],
};

export const listQuerySchema = z
  .object({
    team: z.string().min(1).optional(),
    kind: z.enum(RECOMMENDATION_KINDS).optional(),
    status: z.enum(STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .strict();

export const patchSchema = z
  .object({
    status: z.enum(['open', 'accepted', 'implemented', 'dismissed', 'snoozed']),
    reason: z.enum(DISMISS_REASONS).optional(),
    note: z.string().max(2000).optional(),
    /** Snoozed until this date (ISO), in the future. */
    until: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
    /** When it was implemented (ISO, not in the future); now when left out. */
    implementedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.status === 'dismissed' && !p.reason)
      ctx.addIssue({
        code: 'custom',
        path: ['reason'],
        message: `required to dismiss: one of ${DISMISS_REASONS.join(', ')}`,
      });
    if (p.reason === 'other' && !p.note?.trim())
      ctx.addIssue({
        code: 'custom',
        path: ['note'],
        message: 'required when the reason is other',
      });
    if (p.status === 'snoozed' && !p.until)
      ctx.addIssue({ code: 'custom', path: ['until'], message: 'required to snooze' });
    if (p.reason && p.status !== 'dismissed')
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'only for status dismissed' });
  });

export type RecommendationPatch = z.infer<typeof patchSchema>;

/** A recommendation as the API returns it; money as decimal strings. */
export interface RecommendationView {
  id: number;
  kind: string;
  status: RecommendationStatus;
  resourceId: string;
  resourceName: string | null;
  provider: string | null;
  region: string | null;
  team: string | null;
  title: string;
  proposal: Record<string, unknown>;
  options: unknown[];
  evidence: Record<string, unknown>;
  currency: string | null;
  currentMonthlyCost: string;
  monthlySavings: string | null;
  pricing: string;
  risk: string;
  riskReason: string;
  dismissReason: string | null;
  statusNote: string | null;
  snoozedUntil: string | null;
  statusChangedAt: string | null;
  statusChangedBy: string | null;
  implementedAt: string | null;
  realizedMonthlySavings: string | null;
  realizedDetail: unknown;
  firstSeen: string;
  lastSeen: string;
  resolvedAt: string | null;
}

export const VIEW_COLUMNS = `id::int, kind, status, resource_id AS "resourceId", resource_name AS "resourceName",
  provider, region, team, title, proposal, options, evidence, currency,
  current_monthly_cost::text AS "currentMonthlyCost", monthly_savings::text AS "monthlySavings",
  pricing, risk, risk_reason AS "riskReason", dismiss_reason AS "dismissReason",
  status_note AS "statusNote", snoozed_until AS "snoozedUntil",
  status_changed_at AS "statusChangedAt", status_changed_by AS "statusChangedBy",
  implemented_at AS "implementedAt", realized_monthly_savings::text AS "realizedMonthlySavings",
  realized_detail AS "realizedDetail", first_seen AS "firstSeen", last_seen AS "lastSeen",
  resolved_at AS "resolvedAt"`;
