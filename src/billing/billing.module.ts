import { Module } from '@nestjs/common';
import { AllocationModule } from '../allocation/allocation.module.js';
import { BillingSourcesService } from './billing-sources.service.js';
import { CostsController } from './costs.controller.js';
import { CostsService } from './costs.service.js';

@Module({
  imports: [AllocationModule],
  controllers: [CostsController],
  providers: [BillingSourcesService, CostsService],
  exports: [BillingSourcesService, CostsService],
})
export class BillingModule {}
