import { Module } from '@nestjs/common';
import { BillingModule } from '../billing/billing.module.js';
import { FocusFileImportService } from './focus-file/focus-file-import.service.js';
import { ImportRunsService } from './import-runs.service.js';
import { ImportsController } from './imports.controller.js';
import { SampleDataLoader } from './sample-data.loader.js';

@Module({
  imports: [BillingModule],
  controllers: [ImportsController],
  providers: [ImportRunsService, FocusFileImportService, SampleDataLoader],
  exports: [ImportRunsService, FocusFileImportService, SampleDataLoader],
})
export class IngestionModule {}
