import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CostBasis, CostReport, GROUP_EXPRESSIONS, GroupBy } from './cost-query.js';

/**
 * EffectiveCost is amortized: commitment purchases carry their cost on the usage they cover, so a
 * purchase row with a commitment id is left out or it would be counted twice (DESIGN.md, research
 * focus.md §3.3). BilledCost is the invoice view and includes everything.
 */
const BASIS_SQL: Record<CostBasis, { cost: string; filter: string }> = {
  effective: {
    cost: 'effective_cost',
    filter: `AND NOT (charge_category = 'Purchase' AND commitment_discount_id IS NOT NULL)`,
  },
  billed: { cost: 'billed_cost', filter: '' },
};

@Injectable()
export class CostsService {
  constructor(private readonly dataSource: DataSource) {}

  /** The most recent billing period with data, as YYYY-MM, or null when there is none. */
  async latestPeriod(): Promise<string | null> {
    const [row] = (await this.dataSource.query(
      `SELECT to_char(max(billing_period), 'YYYY-MM') AS period FROM cost_record`,
    )) as { period: string | null }[];
    return row?.period ?? null;
  }

  async report(period: string, groupBy: GroupBy | null, basis: CostBasis): Promise<CostReport> {
    const { cost, filter } = BASIS_SQL[basis];
    const params: unknown[] = [`${period}-01`];
    let key = 'NULL::text';
    if (groupBy?.startsWith('tag:')) {
      params.push(groupBy.slice(4));
      key = `tags ->> $2`;
    } else if (groupBy) {
      key = GROUP_EXPRESSIONS[groupBy as keyof typeof GROUP_EXPRESSIONS];
    }
    // One scan: per-group sums and per-currency totals via GROUPING SETS.
    const rows = (await this.dataSource.query(
      `SELECT ${key} AS key, billing_currency AS currency, sum(${cost})::text AS cost,
              count(*)::int AS rows, grouping(${key}) = 1 AS total
         FROM cost_record
        WHERE billing_period = $1 ${filter}
        GROUP BY GROUPING SETS ((${key}, billing_currency), (billing_currency))
        ORDER BY sum(${cost}) DESC, 1 NULLS LAST`,
      params,
    )) as { key: string | null; currency: string; cost: string; rows: number; total: boolean }[];
    const totals = rows
      .filter((r) => r.total)
      .map(({ currency, cost: amount, rows: n }) => ({ currency, cost: amount, rows: n }))
      .sort((a, b) => a.currency.localeCompare(b.currency));
    const groups = rows
      .filter((r) => !r.total)
      .map(({ key: k, currency, cost: amount, rows: n }) => ({
        key: k,
        currency,
        cost: amount,
        rows: n,
      }));
    return { period, basis, groupBy, view: 'source', totals, groups: groupBy ? groups : [] };
  }
}
