import { Module } from '@nestjs/common';
import { IngestionModule } from '../ingestion/ingestion.module.js';
import { SourceScheduler } from './source-scheduler.js';
import { SourcesController } from './sources.controller.js';
import { SourcesService } from './sources.service.js';

@Module({
  imports: [IngestionModule],
  controllers: [SourcesController],
  providers: [SourcesService, SourceScheduler],
  exports: [SourcesService, SourceScheduler],
})
export class SourcesModule {}
