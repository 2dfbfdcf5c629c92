import { Module } from '@nestjs/common';
import { AllocationModule } from '../allocation/allocation.module.js';
import { RecommendationScheduler } from './recommendation-scheduler.js';
import { RecommendationsController } from './recommendations.controller.js';
import { RecommendationsService } from './recommendations.service.js';

@Module({
  imports: [AllocationModule],
  controllers: [RecommendationsController],
  providers: [RecommendationsService, RecommendationScheduler],
  exports: [RecommendationsService, RecommendationScheduler],
})
export class RecommendationsModule {}
