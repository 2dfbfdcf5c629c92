import { Inject, Injectable } from '@nestjs/common';
import { shiftPeriod } from '../billing/billing-period.js';
import type { TeamScope } from '../auth/team-scope.js';
import { APP_CONFIG, AppConfig } from '../config/app-config.js';
import type { CostBasisName } from './allocation-config.js';
import { AllocationResults } from './allocation-results.service.js';
import { Allocation, NoRuleSetError } from './allocation.service.js';
import { productOwners } from './business-metric-input.js';
import { BusinessMetricsService } from './business-metrics.service.js';
import { UnitCost, unitCosts } from './unit-costs.js';

/** Unit economics of a period: allocated cost per business metric unit, against the month before. */
@Injectable()
export class UnitCostsService {
  constructor(
    private readonly results: AllocationResults,
    private readonly metrics: BusinessMetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async forPeriod(period: string, basis: CostBasisName, scope: TeamScope): Promise<UnitCost[]> {
    return this.compute(
      period,
      basis,
      scope,
      () => this.results.get(period),
      () => this.previousAllocation(period),
    );
  }

  /**
   * The same from allocations the caller already has (the workbook computes both periods);
   * they are asked for only when the periods have business metrics.
   */
  async compute(
    period: string,
    basis: CostBasisName,
    scope: TeamScope,
    current: () => Promise<Allocation>,
    previous: () => Promise<Allocation | null>,
  ): Promise<UnitCost[]> {
    const metrics = await this.metrics.forPeriod(period);
    if (metrics.length === 0) return [];
    const previousMetrics = await this.metrics.forPeriod(shiftPeriod(period, -1));
    const before = previousMetrics.length > 0 ? await previous() : null;
    return unitCosts(
      { lines: (await current()).lines, metrics },
      before ? { lines: before.lines, metrics: previousMetrics } : null,
      basis,
      productOwners(this.config.allocation),
      scope,
    );
  }

  /** The previous period's allocation, or null when no rule set was in force then. */
  async previousAllocation(period: string): Promise<Allocation | null> {
    try {
      return await this.results.get(shiftPeriod(period, -1));
    } catch (err) {
      if (err instanceof NoRuleSetError) return null;
      throw err;
    }
  }
}
