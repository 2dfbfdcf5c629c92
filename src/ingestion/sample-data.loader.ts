import { Inject, Injectable } from '@nestjs/common';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '../config/app-config.js';
import { BillingSourcesService } from '../billing/billing-sources.service.js';
import { LOGGER } from '../logging/logger.js';
import { DataSource } from 'typeorm';
import { dropSourceSlices } from './cost-slice-loader.js';
import { FocusFileImportService } from './focus-file/focus-file-import.service.js';
import { sampleGpuUsageRows } from './gpu/sample-gpu-usage.js';
import { sampleResourceUsageRows } from './gpu/sample-resource-usage.js';
import { UsageImportService } from './gpu/usage-import.service.js';

const sampleFile = (name: string) =>
  fileURLToPath(new URL(`../../../sample-data/${name}`, import.meta.url));

/**
 * The bundled samples, one source per cloud so they sit side by side in September 2024: the
 * FinOps Foundation FOCUS 1.0 sample (real AWS data, anonymized; CC BY 4.0), and Azure and GCP
 * rows derived from the Cost Management spec examples and a koku billing-export fixture, mapped
 * the way the cloud importers map them (see NOTICE).
 */
export const SAMPLES = [
  { source: 'sample-focus', path: sampleFile('focus-1.0-sample-aws-500.csv') },
  { source: 'sample-azure', path: sampleFile('focus-1.2-sample-azure.csv') },
  { source: 'sample-gcp', path: sampleFile('focus-1.2-sample-gcp.csv') },
  { source: 'sample-gpu-nodes', path: sampleFile('focus-1.2-sample-gpu.csv') },
  { source: 'sample-optimization', path: sampleFile('focus-1.2-sample-optimization.csv') },
] as const;

/**
 * Hourly GPU utilization of the sample GPU machines and CPU/memory of the sample optimization
 * machines (synthetic; see sample-gpu-usage.ts and sample-resource-usage.ts).
 */
export const SAMPLE_GPU_USAGE = 'sample-gpu-usage';

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
    private readonly usage: UsageImportService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /**
   * Once real sources are configured, the sample must not mix into real reports: its cost rows
   * are removed at start (the import history stays). Returns the number of periods removed.
   */
  async removeIfRealSourcesConfigured(): Promise<number> {
    if (this.config.sources.length === 0) return 0;
    let removed = 0;
    for (const { source } of SAMPLES) {
      const sample = await this.sources.findByName(source);
      if (!sample) continue;
      const periods = await dropSourceSlices(this.dataSource, sample.id);
      if (periods > 0) {
        this.log.info(
          { event: 'sample_data.removed', source, periods },
          'real sources configured: removed the sample data',
        );
      }
      removed += periods;
    }
    const gpu = await this.sources.findByName(SAMPLE_GPU_USAGE);
    if (gpu) {
      await this.dataSource.query(`DELETE FROM gpu_usage WHERE source_id = $1`, [gpu.id]);
      await this.dataSource.query(`DELETE FROM resource_usage WHERE source_id = $1`, [gpu.id]);
    }
    return removed;
  }

  async loadIfFirstStart(): Promise<boolean> {
    if (this.config.sampleData === 'off' || this.config.sources.length > 0) return false;
    if ((await this.sources.list()).length > 0) return false;
    for (const { source, path } of SAMPLES) {
      const summary = await this.importer.importFile({ path, source, trigger: 'sample' });
      this.log.info(
        { event: 'sample_data.loaded', source, periods: summary.periods.map((p) => p.period) },
        'no source configured: loaded a bundled sample; configure config/sources.yaml to use real data',
      );
    }
    const gpu = await this.usage.loadRows(
      SAMPLE_GPU_USAGE,
      sampleGpuUsageRows(),
      { from: new Date('2024-09-01T00:00:00Z'), to: new Date('2024-10-01T00:00:00Z') },
      { trigger: 'sample', now: new Date() },
      sampleResourceUsageRows(),
    );
    this.log.info(
      { event: 'sample_data.loaded', source: SAMPLE_GPU_USAGE, rows: gpu.gpuRows },
      'loaded the bundled GPU utilization sample',
    );
    return true;
  }
}
