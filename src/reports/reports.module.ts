import { Module } from '@nestjs/common';
import { AllocationModule } from '../allocation/allocation.module.js';
import { BillingModule } from '../billing/billing.module.js';
import { GpuModule } from '../gpu/gpu.module.js';
import { InsightsModule } from '../insights/insights.module.js';
import { RecommendationsModule } from '../recommendations/recommendations.module.js';
import { ExecutiveReportService } from './executive/executive-report.service.js';
import { ChargebackReportService } from './chargeback-report.service.js';
import { ReportsController } from './reports.controller.js';

@Module({
  imports: [AllocationModule, BillingModule, GpuModule, InsightsModule, RecommendationsModule],
  controllers: [ReportsController],
  providers: [ChargebackReportService, ExecutiveReportService],
  exports: [ChargebackReportService, ExecutiveReportService],
})
export class ReportsModule {}
