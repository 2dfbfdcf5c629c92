import { Inject, Injectable } from '@nestjs/common';
import { shiftPeriod } from '../billing/billing-period.js';
import type { TeamScope } from '../auth/team-scope.js';
import { APP_CONFIG, AppConfig } from '../config/app-config.js';
import type { CostBasisName } from './allocation-config.js';
import { AllocationResults } from './allocation-results.service.js';
import { NoRuleSetError } from './allocation.service.js';
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
    const metrics = await this.metrics.forPeriod(period);
    if (metrics.length === 0) return [];
    const current = { lines: (await this.results.get(period)).lines, metrics };
    const before = shiftPeriod(period, -1);
    const previousMetrics = await this.metrics.forPeriod(before);
    let previous = null;
    if (previousMetrics.length > 0) {
      try {
        previous = { lines: (await this.results.get(before)).lines, metrics: previousMetrics };
      } catch (err) {
        if (!(err instanceof NoRuleSetError)) throw err;
      }
    }
    return unitCosts(current, previous, basis, productOwners(this.config.allocation), scope);
  }
}
