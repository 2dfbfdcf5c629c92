import { Module } from '@nestjs/common';
import { AllocationModule } from '../allocation/allocation.module.js';
import { ChargebackReportService } from './chargeback-report.service.js';
import { ReportsController } from './reports.controller.js';

@Module({
  imports: [AllocationModule],
  controllers: [ReportsController],
  providers: [ChargebackReportService],
  exports: [ChargebackReportService],
})
export class ReportsModule {}
