import { Module } from '@nestjs/common';
import { AllocationModule } from '../allocation/allocation.module.js';
import { PricesService } from '../catalog/prices.service.js';
import { IngestionModule } from '../ingestion/ingestion.module.js';
import { InsightsModule } from '../insights/insights.module.js';
import { RecommendationScheduler } from './recommendation-scheduler.js';
import { RecommendationsController } from './recommendations.controller.js';
import { RecommendationsService } from './recommendations.service.js';

@Module({
  imports: [AllocationModule, IngestionModule, InsightsModule],
  controllers: [RecommendationsController],
  providers: [RecommendationsService, RecommendationScheduler, PricesService],
  exports: [RecommendationsService, RecommendationScheduler, PricesService],
})
export class RecommendationsModule {}
