import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config.js';
import { D, Dec } from '../gpu/gpu-cost-split.js';
import {
  AllocationConfig,
  RuleSet,
  ruleSetFor,
  TeamPlace,
  teamPlaces,
} from './allocation-config.js';
import { allocate, AllocationLine, CostGroup, TeamMetrics } from './allocation-engine.js';
import { compileRuleSet, EFFECTIVE_SQL, Target } from './allocation-sql.js';

export class NoRuleSetError extends Error {
  constructor(period: string, first: string) {
    super(`no allocation rule set is in force in ${period} (the first starts in ${first})`);
    this.name = 'NoRuleSetError';
  }
}

export interface Allocation {
  period: string;
  ruleSet: { version: string; effectiveFrom: string; origin: string };
  lines: AllocationLine[];
  /** What the cost lines of the period add up to, summed by the database on its own. */
  source: { effective: Dec; billed: Dec; lines: number };
  places: Map<string, TeamPlace>;
}

interface GroupRow {
  target: Target;
  provider_name: string | null;
  billing_account_id: string | null;
  billing_account_name: string | null;
  sub_account_id: string | null;
  sub_account_name: string | null;
  service_name: string | null;
  service_category: string | null;
  effective: string | null;
  billed: string | null;
  lines: number;
  [dim: `d${number}`]: string | null;
}

/**
 * Allocates a billing period's cost to teams with the rule set in force (or one given, for a
 * preview): one set-based query classifies and sums the cost lines, the pools are split in
 * exact decimals, and the result keeps every line's lineage.
 */
@Injectable()
export class AllocationService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get rules(): AllocationConfig {
    return this.config.allocation;
  }

  async compute(period: string, rules: AllocationConfig = this.rules): Promise<Allocation> {
    const set = ruleSetFor(rules, period);
    if (!set) throw new NoRuleSetError(period, rules.ruleSets[0]!.effectiveFrom);
    const places = teamPlaces(rules);
    const compiled = compileRuleSet(set, [...places.keys()], period);
    const [rows, metrics, source] = await Promise.all([
      this.dataSource.query(compiled.sql, compiled.params) as Promise<GroupRow[]>,
      this.metrics(period, set),
      this.sourceTotals(period),
    ]);
    const groups = rows.map((r): CostGroup => ({
      target: r.target,
      dims: compiled.dimensions.map((_, i) => r[`d${i}`] ?? null),
      provider: r.provider_name,
      billingAccountId: r.billing_account_id,
      billingAccountName: r.billing_account_name,
      subAccountId: r.sub_account_id,
      subAccountName: r.sub_account_name,
      serviceName: r.service_name,
      serviceCategory: r.service_category,
      effective: new D(r.effective ?? 0),
      billed: new D(r.billed ?? 0),
      lines: r.lines,
    }));
    return {
      period,
      ruleSet: { version: set.version, effectiveFrom: set.effectiveFrom, origin: rules.origin },
      lines: allocate(set, compiled.dimensions, groups, metrics),
      source,
      places,
    };
  }

  private async sourceTotals(period: string): Promise<Allocation['source']> {
    const [r] = (await this.dataSource.query(
      `SELECT coalesce(sum(${EFFECTIVE_SQL}), 0)::text AS effective,
              coalesce(sum(billed_cost), 0)::text AS billed, count(*)::int AS lines
         FROM cost_record WHERE billing_period = $1`,
      [`${period}-01`],
    )) as { effective: string; billed: string; lines: number }[];
    return { effective: new D(r!.effective), billed: new D(r!.billed), lines: r!.lines };
  }

  /** The metric values the rule set's metric pools split by: GPU-hours from GPU usage. */
  private async metrics(period: string, set: RuleSet): Promise<TeamMetrics> {
    const out = new Map<string, Map<string, Dec>>();
    if (set.pools.some((p) => p.method === 'metric' && p.metric === 'gpu-hours')) {
      const from = new Date(`${period}-01T00:00:00Z`);
      const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
      const rows = (await this.dataSource.query(
        `SELECT team, (sum(covered_seconds)::numeric / 3600)::text AS hours FROM gpu_usage
          WHERE hour >= $1 AND hour < $2 AND team IS NOT NULL GROUP BY team`,
        [from, to],
      )) as { team: string; hours: string }[];
      out.set('gpu-hours', new Map(rows.map((r) => [r.team, new D(r.hours)])));
    }
    return out;
  }
}
