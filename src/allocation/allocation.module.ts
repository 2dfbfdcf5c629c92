import { Module } from '@nestjs/common';
import { AllocationResults } from './allocation-results.service.js';
import { AllocationSnapshots } from './allocation-snapshots.js';
import { AllocationController } from './allocation.controller.js';
import { AllocationService } from './allocation.service.js';
import { BusinessMetricsController } from './business-metrics.controller.js';
import { BusinessMetricsService } from './business-metrics.service.js';
import { PeriodsController } from './periods.controller.js';
import { UnitCostsService } from './unit-costs.service.js';

@Module({
  controllers: [AllocationController, BusinessMetricsController, PeriodsController],
  providers: [
    AllocationService,
    AllocationSnapshots,
    AllocationResults,
    BusinessMetricsService,
    UnitCostsService,
  ],
  exports: [
    AllocationService,
    AllocationResults,
    AllocationSnapshots,
    BusinessMetricsService,
    UnitCostsService,
  ],
})
export class AllocationModule {}
