import { Module } from '@nestjs/common';
import { AllocationModule } from '../allocation/allocation.module.js';
import { GpuModule } from '../gpu/gpu.module.js';
import { IngestionModule } from '../ingestion/ingestion.module.js';
import { InsightsModule } from '../insights/insights.module.js';
import { RecommendationsModule } from '../recommendations/recommendations.module.js';
import { ReportsModule } from '../reports/reports.module.js';
import { SourcesModule } from '../sources/sources.module.js';
import { AdminPages } from './admin.page.js';
import { ChargebackPages } from './chargeback.page.js';
import { OverviewPage } from './overview.page.js';
import { RecommendationsPage } from './recommendations.page.js';

/** The web UI: server-rendered pages with the API's roles and team scope. */
@Module({
  imports: [
    AllocationModule,
    GpuModule,
    IngestionModule,
    InsightsModule,
    RecommendationsModule,
    ReportsModule,
    SourcesModule,
  ],
  controllers: [OverviewPage, RecommendationsPage, ChargebackPages, AdminPages],
})
export class WebModule {}
