import { Module } from '@nestjs/common';
import { BillingModule } from '../billing/billing.module.js';
import { CloudImportService } from './cloud/cloud-import.service.js';
import { CloudTransport } from './cloud/cloud-transport.js';
import { FocusFileImportService } from './focus-file/focus-file-import.service.js';
import { UsageImportService } from './gpu/usage-import.service.js';
import { ImportRunsService } from './import-runs.service.js';
import { ImportsController } from './imports.controller.js';
import { SampleDataLoader } from './sample-data.loader.js';

@Module({
  imports: [BillingModule],
  controllers: [ImportsController],
  providers: [
    ImportRunsService,
    FocusFileImportService,
    CloudImportService,
    CloudTransport,
    UsageImportService,
    SampleDataLoader,
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
