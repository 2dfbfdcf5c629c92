import { Module } from '@nestjs/common';
import { BillingSourcesService } from './billing-sources.service.js';
import { CostsController } from './costs.controller.js';
import { CostsService } from './costs.service.js';

@Module({
  controllers: [CostsController],
  providers: [BillingSourcesService, CostsService],
  exports: [BillingSourcesService, CostsService],
})
export class BillingModule {}
