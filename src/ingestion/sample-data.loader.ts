import { Inject, Injectable } from '@nestjs/common';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '../config/app-config.js';
import { BillingSourcesService } from '../billing/billing-sources.service.js';
import { LOGGER } from '../logging/logger.js';
import { DataSource } from 'typeorm';
import { dropSourceSlices } from './cost-slice-loader.js';
import { FocusFileImportService } from './focus-file/focus-file-import.service.js';

/** The FinOps Foundation FOCUS 1.0 sample (real AWS data, anonymized; CC BY 4.0, see NOTICE). */
export const SAMPLE_FOCUS_FILE = fileURLToPath(
  new URL('../../../sample-data/focus-1.0-sample-aws-500.csv', import.meta.url),
);
export const SAMPLE_SOURCE = 'sample-focus';

/**
 * On a first start with no source configured, loads the bundled sample so every page and API has
 * real-looking numbers. It never runs again once any source exists.
 */
@Injectable()
export class SampleDataLoader {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sources: BillingSourcesService,
    private readonly importer: FocusFileImportService,
    private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /**
   * Once real sources are configured, the sample must not mix into real reports: its cost rows
   * are removed at start (the import history stays). Returns the number of periods removed.
   */
  async removeIfRealSourcesConfigured(): Promise<number> {
    if (this.config.sources.length === 0) return 0;
    const sample = await this.sources.findByName(SAMPLE_SOURCE);
    if (!sample) return 0;
    const periods = await dropSourceSlices(this.dataSource, sample.id);
    if (periods > 0) {
      this.log.info(
        { event: 'sample_data.removed', source: SAMPLE_SOURCE, periods },
        'real sources configured: removed the sample data',
      );
    }
    return periods;
  }

  async loadIfFirstStart(): Promise<boolean> {
    if (this.config.sampleData === 'off' || this.config.sources.length > 0) return false;
    if ((await this.sources.list()).length > 0) return false;
    const summary = await this.importer.importFile({
      path: SAMPLE_FOCUS_FILE,
      source: SAMPLE_SOURCE,
      trigger: 'sample',
    });
    this.log.info(
      {
        event: 'sample_data.loaded',
        source: SAMPLE_SOURCE,
        periods: summary.periods.map((p) => p.period),
      },
      'no source configured: loaded the bundled FOCUS sample; configure config/sources.yaml to use real data',
    );
    return true;
  }
}
