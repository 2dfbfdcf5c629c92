import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config.js';
import { periodRange } from '../billing/billing-period.js';
import { D, Dec } from '../gpu/gpu-cost-split.js';
import { gpuMachineOwners, MachineOwners } from '../gpu/gpu-machines.js';
import {
  AllocationConfig,
  isGpuOwnerRule,
  RuleSet,
  ruleSetFor,
  TeamPlace,
  teamPlaces,
} from './allocation-config.js';
import { allocate, AllocationLine, directTeam, TeamMetrics } from './allocation-engine.js';
import { compileRuleSet, GroupRow } from './allocation-sql.js';
import type { ClosedPeriod } from './allocation-snapshots.js';
import { productOwners } from './business-metric-input.js';
import { BusinessMetricsService } from './business-metrics.service.js';

/** The metric pools' built-in metric: GPU-hours per team from GPU usage. */
export const GPU_HOURS = 'gpu-hours';

export class NoRuleSetError extends Error {
  constructor(period: string, first: string) {
    super(`no allocation rule set is in force in ${period} (the first starts in ${first})`);
    this.name = 'NoRuleSetError';
  }
}

/** Allocation adds amounts; a period billed in two currencies must be converted first. */
export class MixedCurrencyError extends Error {
  constructor(period: string, currencies: string[]) {
    super(
      `billing period ${period} has costs in ${currencies.join(' and ')}; allocation adds amounts, so a period must be billed in one currency`,
    );
    this.name = 'MixedCurrencyError';
  }
}

export interface Allocation {
  period: string;
  /** The period's BillingCurrency (null when it has no cost lines). */
  currency: string | null;
  ruleSet: { version: string; effectiveFrom: string; origin: string };
  lines: AllocationLine[];
  /** What the period's cost lines add up to (every line is in exactly one group). */
  source: { effective: Dec; billed: Dec; lines: number };
  places: Map<string, TeamPlace>;
  /** Set when the period is closed: this is its frozen snapshot. */
  closed: ClosedPeriod | null;
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
    private readonly businessMetrics: BusinessMetricsService,
  ) {}

  get rules(): AllocationConfig {
    return this.config.allocation;
  }

  async compute(period: string, rules: AllocationConfig = this.rules): Promise<Allocation> {
    const set = ruleSetFor(rules, period);
    if (!set) throw new NoRuleSetError(period, rules.ruleSets[0]!.effectiveFrom);
    const places = teamPlaces(rules);
    const owners = set.rules.some(isGpuOwnerRule)
      ? await gpuMachineOwners(this.dataSource, period)
      : new Map<string, MachineOwners>();
    const compiled = compileRuleSet(set, [...places.keys()], period, [...owners.keys()]);
    const rows = await this.groupRows(compiled.sql, compiled.params);
    const currencies = [...new Set(rows.map((r) => r.billing_currency!))].sort();
    if (currencies.length > 1) throw new MixedCurrencyError(period, currencies);
    const metrics = await this.metrics(period, set, rules);
    const groups = rows.map((r) => compiled.classify(r));
    const source = { effective: new D(0), billed: new D(0), lines: 0 };
    for (const g of groups) {
      source.effective = source.effective.plus(g.effective);
      source.billed = source.billed.plus(g.billed);
      source.lines += g.lines;
    }
    return {
      period,
      currency: currencies[0] ?? null,
      ruleSet: { version: set.version, effectiveFrom: set.effectiveFrom, origin: rules.origin },
      lines: allocate(set, compiled.dimensions, groups, metrics, owners),
      source,
      places,
      closed: null,
    };
  }

  /**
   * Whose each of the period's resources is under the rule set in force: the team its cost is
   * charged to directly, or null when it goes to a shared pool or nobody.
   */
  async resourceTeams(period: string): Promise<Map<string, string | null>> {
    const rules = this.rules;
    const set = ruleSetFor(rules, period);
    if (!set) return new Map();
    const owners = set.rules.some(isGpuOwnerRule)
      ? await gpuMachineOwners(this.dataSource, period)
      : new Map<string, MachineOwners>();
    const places = [...teamPlaces(rules).keys()];
    const compiled = compileRuleSet(set, places, period, [...owners.keys()], true);
    const out = new Map<string, string | null>();
    for (const row of await this.groupRows(compiled.sql, compiled.params)) {
      if (!row.resource_id) continue;
      const team = directTeam(set, compiled.dimensions, compiled.classify(row), owners);
      if (team || !out.has(row.resource_id)) out.set(row.resource_id, team);
    }
    return out;
  }

  /**
   * Runs the grouping query with hash aggregation: the planner cannot estimate how few groups
   * the rule inputs make (it assumes one per line) and would sort the whole period instead.
   * Hash aggregation spills to disk if the groups ever outgrow memory.
   */
  private async groupRows(sql: string, params: unknown[]): Promise<GroupRow[]> {
    const q = this.dataSource.createQueryRunner();
    await q.connect();
    try {
      await q.startTransaction();
      await q.query('SET LOCAL enable_sort = off');
      const rows = (await q.query(sql, params)) as GroupRow[];
      await q.commitTransaction();
      return rows;
    } catch (err) {
      if (q.isTransactionActive) await q.rollbackTransaction();
      throw err;
    } finally {
      await q.release();
    }
  }

  /**
   * The values the rule set's metric pools split by: `gpu-hours` from GPU usage, any other name
   * from business metrics (a team's own figure, or its products').
   */
  private async metrics(
    period: string,
    set: RuleSet,
    rules: AllocationConfig,
  ): Promise<TeamMetrics> {
    const out = new Map<string, Map<string, Dec>>();
    const names = new Set(set.pools.filter((p) => p.method === 'metric').map((p) => p.metric!));
    for (const name of names) {
      out.set(
        name,
        name === GPU_HOURS
          ? await this.gpuHours(period)
          : await this.businessMetrics.teamValues(period, name, productOwners(rules)),
      );
    }
    return out;
  }

  private async gpuHours(period: string): Promise<Map<string, Dec>> {
    const { from, to } = periodRange(period);
    const rows = (await this.dataSource.query(
      `SELECT team, (sum(covered_seconds)::numeric / 3600)::text AS hours FROM gpu_usage
        WHERE hour >= $1 AND hour < $2 AND team IS NOT NULL GROUP BY team`,
      [from, to],
    )) as { team: string; hours: string }[];
    return new Map(rows.map((r) => [r.team, new D(r.hours)]));
  }
}
