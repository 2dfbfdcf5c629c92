import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config.js';
import { BillingModule } from '../billing/billing.module.js';
import { CloudImportService } from './cloud/cloud-import.service.js';
import { CloudTransport } from './cloud/cloud-transport.js';
import { FocusFileImportService } from './focus-file/focus-file-import.service.js';
import { UsageImportService } from './gpu/usage-import.service.js';
import { ImportRunsService } from './import-runs.service.js';
import { ImportSlots } from './import-slots.js';
import { ImportsController } from './imports.controller.js';
import { SampleDataLoader } from './sample-data.loader.js';
import { UploadSpoolJanitor } from './upload-spool.js';

@Module({
  imports: [BillingModule],
  controllers: [ImportsController],
  providers: [
    {
      provide: ImportSlots,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new ImportSlots(config.importConcurrency, config.importQueue),
    },
    ImportRunsService,
    FocusFileImportService,
    CloudImportService,
    CloudTransport,
    UsageImportService,
    SampleDataLoader,
    UploadSpoolJanitor,
  ],
  exports: [
    ImportRunsService,
    FocusFileImportService,
    CloudImportService,
    CloudTransport,
    UsageImportService,
    SampleDataLoader,
  ],
})
export class IngestionModule {}
