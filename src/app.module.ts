import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Logger } from 'pino';
import { DomainErrorsFilter } from './api/domain-errors.filter.js';
import { AllocationModule } from './allocation/allocation.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { BillingModule } from './billing/billing.module.js';
import { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthController } from './health/health.controller.js';
import { GpuModule } from './gpu/gpu.module.js';
import { IngestionModule } from './ingestion/ingestion.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ScheduleModule } from '@nestjs/schedule';
import { ReportsModule } from './reports/reports.module.js';
import { RecommendationsModule } from './recommendations/recommendations.module.js';
import { InsightsModule } from './insights/insights.module.js';
import { WebModule } from './web/web.module.js';
import { SourcesModule } from './sources/sources.module.js';

/** The whole service. The CLI uses the same module without listening on HTTP. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        DatabaseModule,
        AuditModule,
        MetricsModule,
        AuthModule,
        BillingModule,
        IngestionModule,
        GpuModule,
        AllocationModule,
        ReportsModule,
        RecommendationsModule,
        InsightsModule,
        WebModule,
        SourcesModule,
        ScheduleModule.forRoot(),
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_FILTER, useClass: DomainErrorsFilter }],
    };
  }
}
