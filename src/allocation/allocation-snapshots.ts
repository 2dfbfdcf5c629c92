import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { D } from '../gpu/gpu-cost-split.js';
import { EFFECTIVE_SQL } from './allocation-sql.js';
import type { AllocationLine, LineKind } from './allocation-engine.js';
import type { Allocation } from './allocation.service.js';

/** What each source had delivered for a period: when it was imported and how far the data goes. */
export interface SourceFreshness {
  source: string;
  kind: string;
  importedAt: string | null;
  /** The latest ChargePeriodEnd among the period's lines. */
  dataThrough: string;
  lines: number;
}

/** What the bill adds up to for one provider and billing account (exact decimals). */
export interface SourceAccountTotals {
  provider: string | null;
  billingAccountId: string | null;
  billingAccountName: string | null;
  effective: string;
  billed: string;
}

/** A closed period's record: who closed it, with which rules, and what the source added up to. */
export interface ClosedPeriod {
  period: string;
  ruleSetVersion: string;
  ruleSetEffectiveFrom: string;
  ruleSetOrigin: string;
  currency: string | null;
  source: { effective: string; billed: string; lines: number };
  sourceAccounts: SourceAccountTotals[];
  freshness: SourceFreshness[];
  closedBy: string;
  closedAt: string;
}

const LINE_COLUMNS = [
  ['team', 'text'],
  ['product', 'text'],
  ['environment', 'text'],
  ['kind', 'text'],
  ['source', 'text'],
  ['method', 'text'],
  ['basis', 'text'],
  ['weight', 'numeric'],
  ['weight_total', 'numeric'],
  ['provider', 'text'],
  ['billing_account_id', 'text'],
  ['billing_account_name', 'text'],
  ['sub_account_id', 'text'],
  ['sub_account_name', 'text'],
  ['service_name', 'text'],
  ['service_category', 'text'],
  ['effective', 'numeric'],
  ['billed', 'numeric'],
  ['lines', 'integer'],
  ['restates', 'date'],
] as const;

const toRow = (l: AllocationLine): unknown[] => [
  l.team,
  l.product,
  l.environment,
  l.kind,
  l.source,
  l.method,
  l.basis,
  l.weight,
  l.weightTotal,
  l.provider,
  l.billingAccountId,
  l.billingAccountName,
  l.subAccountId,
  l.subAccountName,
  l.serviceName,
  l.serviceCategory,
  l.effective.toString(),
  l.billed.toString(),
  l.lines,
  l.restates ? `${l.restates}-01` : null,
];

type Row = Record<(typeof LINE_COLUMNS)[number][0], string | number | null>;

const fromRow = (r: Row): AllocationLine => ({
  team: r.team as string,
  product: r.product as string | null,
  environment: r.environment as string | null,
  kind: r.kind as LineKind,
  source: r.source as string,
  method: r.method as AllocationLine['method'],
  basis: r.basis as string | null,
  weight: r.weight as string | null,
  weightTotal: r.weight_total as string | null,
  provider: r.provider as string | null,
  billingAccountId: r.billing_account_id as string | null,
  billingAccountName: r.billing_account_name as string | null,
  subAccountId: r.sub_account_id as string | null,
  subAccountName: r.sub_account_name as string | null,
  serviceName: r.service_name as string | null,
  serviceCategory: r.service_category as string | null,
  effective: new D(r.effective as string),
  billed: new D(r.billed as string),
  lines: Number(r.lines),
  restates: r.restates as string | null,
});

const SELECT_LINES = `SELECT ${LINE_COLUMNS.map(([c]) =>
  c === 'restates'
    ? `to_char(restates, 'YYYY-MM') AS restates`
    : c === 'effective' || c === 'billed' || c === 'weight' || c === 'weight_total'
      ? `${c}::text AS ${c}`
      : c,
).join(', ')} FROM allocation_result`;

/** Frozen allocations of closed periods (period_close and allocation_result). */
@Injectable()
export class AllocationSnapshots {
  constructor(private readonly dataSource: DataSource) {}

  async closedPeriods(): Promise<Map<string, ClosedPeriod>> {
    const rows = (await this.dataSource.query(
      `SELECT to_char(period, 'YYYY-MM') AS period, rule_set_version, rule_set_effective_from,
              rule_set_origin, currency,
              source_effective::text, source_billed::text, source_lines, source_accounts,
              freshness, closed_by,
              closed_at
         FROM period_close ORDER BY period`,
    )) as Record<string, unknown>[];
    return new Map(
      rows.map((r) => [
        r['period'] as string,
        {
          period: r['period'] as string,
          ruleSetVersion: r['rule_set_version'] as string,
          ruleSetEffectiveFrom: r['rule_set_effective_from'] as string,
          ruleSetOrigin: r['rule_set_origin'] as string,
          currency: r['currency'] as string | null,
          source: {
            effective: r['source_effective'] as string,
            billed: r['source_billed'] as string,
            lines: Number(r['source_lines']),
          },
          sourceAccounts: r['source_accounts'] as SourceAccountTotals[],
          freshness: r['freshness'] as SourceFreshness[],
          closedBy: r['closed_by'] as string,
          closedAt: (r['closed_at'] as Date).toISOString(),
        },
      ]),
    );
  }

  /** A closed period's lines as frozen (its own and the adjustments booked in it). */
  async lines(period: string): Promise<AllocationLine[]> {
    const rows = (await this.dataSource.query(`${SELECT_LINES} WHERE period = $1 ORDER BY id`, [
      `${period}-01`,
    ])) as Row[];
    return rows.map(fromRow);
  }

  /**
   * What has been frozen about a period's own cost: its original lines plus every adjustment to
   * it booked in later closed periods.
   */
  async frozenFor(period: string): Promise<AllocationLine[]> {
    const rows = (await this.dataSource.query(
      `${SELECT_LINES} WHERE (period = $1 AND restates IS NULL) OR restates = $1`,
      [`${period}-01`],
    )) as Row[];
    return rows.map(fromRow);
  }

  /**
   * Per source with lines in the period: its import time and how far its data goes, which is how
   * far its usage is billed (a purchase line ends a year ahead); the latest charge start for a
   * source with no usage in the period.
   */
  async freshness(period: string): Promise<SourceFreshness[]> {
    const rows = (await this.dataSource.query(
      `SELECT s.name AS source, s.kind, max(r.finished_at) AS imported_at,
              max(c.data_through) AS data_through, sum(c.lines)::int AS lines
         FROM (SELECT source_id, import_run_id,
                      coalesce(max(charge_period_end) FILTER (WHERE charge_category = 'Usage'),
                               max(charge_period_start)) AS data_through,
                      count(*) AS lines
                 FROM cost_record WHERE billing_period = $1
                GROUP BY source_id, import_run_id) c
         JOIN billing_source s ON s.id = c.source_id
         LEFT JOIN import_run r ON r.id = c.import_run_id
        GROUP BY s.name, s.kind ORDER BY s.name`,
      [`${period}-01`],
    )) as {
      source: string;
      kind: string;
      imported_at: Date | null;
      data_through: Date;
      lines: number;
    }[];
    return rows.map((r) => ({
      source: r.source,
      kind: r.kind,
      importedAt: r.imported_at?.toISOString() ?? null,
      dataThrough: r.data_through.toISOString(),
      lines: r.lines,
    }));
  }

  /** Per provider and billing account, what the period's cost lines add up to. */
  async sourceAccounts(period: string): Promise<SourceAccountTotals[]> {
    const rows = (await this.dataSource.query(
      `SELECT provider_name, billing_account_id, max(billing_account_name) AS name,
              sum(${EFFECTIVE_SQL})::text AS effective, sum(billed_cost)::text AS billed
         FROM cost_record WHERE billing_period = $1
        GROUP BY provider_name, billing_account_id ORDER BY 1, 2`,
      [`${period}-01`],
    )) as {
      provider_name: string | null;
      billing_account_id: string | null;
      name: string | null;
      effective: string;
      billed: string;
    }[];
    return rows.map((r) => ({
      provider: r.provider_name,
      billingAccountId: r.billing_account_id,
      billingAccountName: r.name,
      effective: r.effective,
      billed: r.billed,
    }));
  }

  /** Freezes an allocation; the caller's transaction makes it all or nothing. */
  async save(
    m: EntityManager,
    a: Allocation,
    source: { freshness: SourceFreshness[]; accounts: SourceAccountTotals[] },
    closedBy: string,
  ): Promise<void> {
    await m.query(
      `INSERT INTO period_close (period, rule_set_version, rule_set_effective_from,
         rule_set_origin, currency, source_effective, source_billed, source_lines,
         source_accounts, freshness, closed_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        `${a.period}-01`,
        a.ruleSet.version,
        a.ruleSet.effectiveFrom,
        a.ruleSet.origin,
        a.currency,
        a.source.effective.toString(),
        a.source.billed.toString(),
        a.source.lines,
        JSON.stringify(source.accounts),
        JSON.stringify(source.freshness),
        closedBy,
      ],
    );
    const BATCH = 5_000;
    for (let i = 0; i < a.lines.length; i += BATCH) {
      const rows = a.lines.slice(i, i + BATCH).map(toRow);
      const arrays = LINE_COLUMNS.map((_, c) => rows.map((r) => r[c]));
      await m.query(
        `INSERT INTO allocation_result (period, ${LINE_COLUMNS.map(([c]) => c).join(', ')})
         SELECT $1, * FROM unnest(${LINE_COLUMNS.map(([, t], c) => `$${c + 2}::${t}[]`).join(', ')})`,
        [`${a.period}-01`, ...arrays],
      );
    }
  }
}
