import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export type AuditAction =
  | 'import.triggered'
  | 'token.created'
  | 'token.revoked'
  | 'rule_set.changed'
  | 'recommendation.decided'
  | 'recommendation.reopened'
  | 'recommendation.resolved'
  | 'recommendation.verified'
  | 'recommendations.run'
  | 'anomalies.detected'
  | 'anomaly.decided'
  | 'report.downloaded'
  | 'period.closed'
  | 'business_metrics.loaded';

export interface AuditEntry {
  actor: string;
  actorRole?: string | null;
  action: AuditAction;
  target?: string | null;
  before?: unknown;
  after?: unknown;
}

export interface AuditEventView extends Required<Omit<AuditEntry, 'before' | 'after'>> {
  id: number;
  at: string;
  before: unknown;
  after: unknown;
}

/** Append-only trail of who changed what. Callers pass their transaction when they have one. */
@Injectable()
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  async record(entry: AuditEntry, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(
      `INSERT INTO audit_event (actor, actor_role, action, target, before, after)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        entry.actor,
        entry.actorRole ?? null,
        entry.action,
        entry.target ?? null,
        entry.before === undefined ? null : JSON.stringify(entry.before),
        entry.after === undefined ? null : JSON.stringify(entry.after),
      ],
    );
  }

  async list(filter: {
    action?: string;
    actor?: string;
    target?: string;
    since?: Date;
    limit: number;
  }): Promise<AuditEventView[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, at, actor, actor_role, action, target, before, after FROM audit_event
        WHERE ($1::text IS NULL OR action = $1) AND ($2::text IS NULL OR actor = $2)
          AND ($3::timestamptz IS NULL OR at >= $3) AND ($5::text IS NULL OR target = $5)
        ORDER BY at DESC, id DESC LIMIT $4`,
      [
        filter.action ?? null,
        filter.actor ?? null,
        filter.since ?? null,
        filter.limit,
        filter.target ?? null,
      ],
    )) as Record<string, unknown>[];
    return rows.map((r) => ({
      id: Number(r['id']),
      at: (r['at'] as Date).toISOString(),
      actor: r['actor'] as string,
      actorRole: r['actor_role'] as string | null,
      action: r['action'] as AuditAction,
      target: r['target'] as string | null,
      before: r['before'],
      after: r['after'],
    }));
  }
}
