import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AllocationService } from '../allocation/allocation.service.js';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/roles.js';
import type { TeamScope } from '../auth/team-scope.js';
import { APP_CONFIG, AppConfig } from '../config/app-config.js';
import { PricesService } from '../catalog/prices.service.js';
import { SqlFilter } from '../database/sql-filter.js';
import { gatherInputs, recommendationWindow } from './gather.js';
import { recommend } from './recommend.js';
import { fingerprint, RecommendationDraft } from './recommendation.js';
import { measureRealized } from './realized-savings.js';
import {
  RecommendationPatch,
  RecommendationStatus,
  RecommendationView,
  TRANSITIONS,
  VIEW_COLUMNS,
} from './recommendation-view.js';

export interface RecommendRunResult {
  /** The lookback window the run looked at (ending at the last billed hour, or now). */
  window: { from: string; to: string } | null;
  created: number;
  updated: number;
  reopened: number;
  resolved: number;
  verified: number;
  byKind: Record<string, number>;
  /** Open recommendations after the run and their known monthly savings. */
  open: { count: number; monthlySavings: string; unknownPrice: number };
  seconds: number;
}

export class RecommendationNotFoundError extends Error {
  constructor(id: number) {
    super(`recommendation ${id} not found`);
    this.name = 'RecommendationNotFoundError';
  }
}

export class InvalidTransitionError extends Error {
  constructor(from: RecommendationStatus, to: string) {
    super(
      `a recommendation that is ${from} cannot become ${to}` +
        (TRANSITIONS[from].length ? ` (allowed: ${TRANSITIONS[from].join(', ')})` : ''),
    );
    this.name = 'InvalidTransitionError';
  }
}

const RUN_LOCK = 7_300_001;
const BATCH = 2000;

/**
 * Runs the recommenders and keeps their results as recommendations with a review lifecycle:
 * a run updates the recommendation with the same fingerprint, reopens one that had been
 * resolved, resolves open ones whose condition is gone, and measures the realized saving of
 * implemented ones. Every status change is audited.
 */
@Injectable()
export class RecommendationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly allocation: AllocationService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly prices: PricesService,
  ) {}

  async run(opts: { now?: Date; actor: string }): Promise<RecommendRunResult> {
    const started = Date.now();
    const now = opts.now ?? new Date();
    const cfg = this.config.recommendations;
    const window = await recommendationWindow(this.dataSource, now, cfg.lookbackDays);
    const drafts = window
      ? recommend(
          await gatherInputs(
            this.dataSource,
            this.allocation,
            cfg,
            window,
            await this.prices.catalog(),
          ),
          cfg,
        )
      : [];
    const currencies = window ? await this.currencies(window) : new Map<string, string>();
    const result = await this.dataSource.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [RUN_LOCK]);
      const seenAt = new Date();
      const counts = await this.upsert(m, drafts, currencies, seenAt, now);
      const resolved = await this.resolveMissing(m, seenAt, now);
      const verified = window ? await measureRealized(m, this.audit, cfg, window.to) : 0;
      return { ...counts, resolved, verified };
    });
    const byKind: Record<string, number> = {};
    for (const d of drafts) byKind[d.kind] = (byKind[d.kind] ?? 0) + 1;
    const [open] = (await this.dataSource.query(
      `SELECT count(*)::int AS count, coalesce(sum(monthly_savings), 0)::text AS savings,
              count(*) FILTER (WHERE monthly_savings IS NULL)::int AS unknown
         FROM recommendation WHERE status = 'open'`,
    )) as { count: number; savings: string; unknown: number }[];
    const out: RecommendRunResult = {
      window: window ? { from: window.from.toISOString(), to: window.to.toISOString() } : null,
      ...result,
      byKind,
      open: { count: open!.count, monthlySavings: open!.savings, unknownPrice: open!.unknown },
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
    await this.audit.record({
      actor: opts.actor,
      action: 'recommendations.run',
      after: { ...out, byKind },
    });
    return out;
  }

  async list(
    filter: { team?: string; kind?: string; status?: string; limit: number },
    scope: TeamScope,
  ): Promise<{ items: RecommendationView[]; total: number; monthlySavings: string }> {
    const f = new SqlFilter();
    if (scope.kind === 'teams') f.add('team = ANY(?)', scope.teams);
    if (filter.team) f.add('team = ?', filter.team);
    if (filter.kind) f.add('kind = ?', filter.kind);
    if (filter.status) f.add('status = ?', filter.status);
    else f.raw(`status <> 'resolved'`);
    const [agg] = (await this.dataSource.query(
      `SELECT count(*)::int AS total, coalesce(sum(monthly_savings), 0)::text AS savings
         FROM recommendation ${f.where}`,
      f.params,
    )) as { total: number; savings: string }[];
    const limit = f.bind(filter.limit);
    const items = (await this.dataSource.query(
      `SELECT ${VIEW_COLUMNS} FROM recommendation ${f.where}
        ORDER BY monthly_savings DESC NULLS LAST, id LIMIT ${limit}`,
      f.params,
    )) as RecommendationView[];
    return { items, total: agg!.total, monthlySavings: agg!.savings };
  }

  async get(id: number, scope: TeamScope): Promise<RecommendationView> {
    const [row] = (await this.dataSource.query(
      `SELECT ${VIEW_COLUMNS} FROM recommendation WHERE id = $1`,
      [id],
    )) as RecommendationView[];
    // A lead never learns that another team's recommendation exists.
    if (!row || (scope.kind === 'teams' && !scope.teams.includes(row.team ?? '')))
      throw new RecommendationNotFoundError(id);
    return row;
  }

  /** A person's decision; audited with the state before and after. */
  async decide(
    id: number,
    patch: RecommendationPatch,
    actor: Principal,
    scope: TeamScope,
    now = new Date(),
  ): Promise<RecommendationView> {
    const before = await this.get(id, scope);
    if (!TRANSITIONS[before.status].includes(patch.status))
      throw new InvalidTransitionError(before.status, patch.status);
    const until = patch.until ? new Date(patch.until) : null;
    if (patch.status === 'snoozed' && until! <= now)
      throw new InvalidTransitionError(before.status, 'snoozed until a past date');
    const implementedAt = patch.implementedAt ? new Date(patch.implementedAt) : now;
    if (implementedAt > now)
      throw new InvalidTransitionError(before.status, 'implemented in the future');
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `UPDATE recommendation
            SET status = $2, dismiss_reason = $3, status_note = $4, snoozed_until = $5,
                implemented_at = CASE WHEN $2 = 'implemented' THEN $6::timestamptz END,
                realized_monthly_savings = NULL, realized_detail = NULL,
                status_changed_at = $7, status_changed_by = $8
          WHERE id = $1`,
        [
          id,
          patch.status,
          patch.reason ?? null,
          patch.note ?? null,
          patch.status === 'snoozed' ? until : null,
          implementedAt,
          now,
          actor.name,
        ],
      );
      await this.audit.record(
        {
          actor: actor.name,
          actorRole: actor.role,
          action: 'recommendation.decided',
          target: `recommendation:${id}`,
          before: { status: before.status, reason: before.dismissReason, note: before.statusNote },
          after: {
            status: patch.status,
            reason: patch.reason ?? null,
            note: patch.note ?? null,
            until: patch.status === 'snoozed' ? until : null,
            implementedAt: patch.status === 'implemented' ? implementedAt : null,
          },
        },
        m,
      );
    });
    return this.get(id, scope);
  }

  /** The billing currency of each resource and, for scopes, of each provider. */
  private async currencies(window: { from: Date; to: Date }): Promise<Map<string, string>> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT provider_name AS provider, billing_currency AS currency FROM cost_record
        WHERE charge_period_end > $1 AND charge_period_start < $2`,
      [window.from, window.to],
    )) as { provider: string; currency: string }[];
    return new Map(rows.map((r) => [r.provider, r.currency]));
  }

  private async upsert(
    m: EntityManager,
    drafts: readonly RecommendationDraft[],
    currencies: Map<string, string>,
    seenAt: Date,
    now: Date,
  ): Promise<{ created: number; updated: number; reopened: number }> {
    let created = 0;
    let updated = 0;
    const reopened: { id: number; before: string }[] = [];
    for (let i = 0; i < drafts.length; i += BATCH) {
      const batch = drafts.slice(i, i + BATCH).map((d) => ({
        fingerprint: fingerprint(d),
        kind: d.kind,
        resource_id: d.resourceId,
        resource_name: d.resourceName,
        provider: d.provider,
        region: d.region,
        team: d.team,
        title: d.title,
        proposal: d.proposal,
        options: d.options,
        evidence: d.evidence,
        currency: d.provider ? (currencies.get(d.provider) ?? null) : null,
        current_monthly_cost: d.currentMonthlyCost,
        monthly_savings: d.monthlySavings,
        pricing: d.pricing,
        risk: d.risk,
        risk_reason: d.riskReason,
      }));
      const rows = (await m.query(
        `WITH input AS (
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
             fingerprint text, kind text, resource_id text, resource_name text, provider text,
             region text, team text, title text, proposal jsonb, options jsonb, evidence jsonb,
             currency text, current_monthly_cost numeric, monthly_savings numeric, pricing text,
             risk text, risk_reason text)),
         prior AS (
           SELECT r.id, r.status, r.snoozed_until FROM recommendation r
             JOIN input i USING (fingerprint))
         INSERT INTO recommendation AS r (fingerprint, kind, resource_id, resource_name, provider,
           region, team, title, proposal, options, evidence, currency, current_monthly_cost,
           monthly_savings, pricing, risk, risk_reason, first_seen, last_seen)
         SELECT fingerprint, kind, resource_id, resource_name, provider, region, team, title,
                proposal, options, evidence, currency, current_monthly_cost, monthly_savings,
                pricing, risk, risk_reason, $2, $2
           FROM input
         ON CONFLICT (fingerprint) DO UPDATE SET
           resource_name = excluded.resource_name, team = excluded.team, title = excluded.title,
           options = excluded.options, evidence = excluded.evidence, currency = excluded.currency,
           current_monthly_cost = excluded.current_monthly_cost,
           monthly_savings = excluded.monthly_savings, pricing = excluded.pricing,
           risk = excluded.risk, risk_reason = excluded.risk_reason, last_seen = excluded.last_seen,
           status = CASE WHEN r.status = 'resolved'
                           OR (r.status = 'snoozed' AND r.snoozed_until <= $3) THEN 'open'
                         ELSE r.status END,
           resolved_at = CASE WHEN r.status = 'resolved' THEN NULL ELSE r.resolved_at END
         RETURNING r.id::int AS id, r.status,
                   (SELECT p.status FROM prior p WHERE p.id = r.id) AS before`,
        [JSON.stringify(batch), seenAt, now],
      )) as { id: number; status: string; before: string | null }[];
      for (const r of rows) {
        if (r.before === null) created++;
        else updated++;
        if (r.before !== null && r.before !== r.status)
          reopened.push({ id: r.id, before: r.before });
      }
    }
    for (const r of reopened)
      await this.audit.record(
        {
          actor: 'system',
          action: 'recommendation.reopened',
          target: `recommendation:${r.id}`,
          before: { status: r.before },
          after: { status: 'open' },
        },
        m,
      );
    return { created, updated, reopened: reopened.length };
  }

  /** Open, accepted and snoozed recommendations this run did not make again: the condition is gone. */
  private async resolveMissing(m: EntityManager, seenAt: Date, now: Date): Promise<number> {
    const rows = (await m.query(
      `UPDATE recommendation SET status = 'resolved', resolved_at = $2
        WHERE status IN ('open', 'accepted', 'snoozed') AND last_seen < $1
        RETURNING id::int AS id`,
      [seenAt, now],
    )) as [{ id: number }[], number];
    // TypeORM returns an UPDATE's rows with its count.
    const ids = rows[0].map((r) => r.id);
    for (const id of ids)
      await this.audit.record(
        {
          actor: 'system',
          action: 'recommendation.resolved',
          target: `recommendation:${id}`,
          after: { status: 'resolved', why: 'the condition is no longer seen' },
        },
        m,
      );
    return ids.length;
  }
}
