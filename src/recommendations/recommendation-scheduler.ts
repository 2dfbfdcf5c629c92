import { Inject, Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '../config/app-config.js';
import { LOGGER } from '../logging/logger.js';
import { RecommendationsService } from './recommendations.service.js';
import { PricesService } from '../catalog/prices.service.js';
import { InsightsService } from '../insights/insights.service.js';

/**
 * The daily analysis (FINOPS_RECOMMEND_SCHEDULE, UTC): list prices refreshed, recommendations
 * updated, anomalies detected. Started by the service only.
 */
@Injectable()
export class RecommendationScheduler {
  constructor(
    private readonly recommendations: RecommendationsService,
    private readonly prices: PricesService,
    private readonly insights: InsightsService,
    private readonly registry: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  start(): boolean {
    const schedule = this.config.recommendSchedule;
    if (!schedule) return false;
    const job = CronJob.from({
      cronTime: schedule,
      timeZone: 'UTC',
      onTick: () => void this.tick(),
      start: true,
    });
    this.registry.addCronJob('recommendations', job);
    return true;
  }

  /** One run (prices refreshed first when price sources are configured); errors are logged. */
  async tick(): Promise<void> {
    // A failed price source keeps its last good prices; the run goes on with them.
    if (this.prices.sources.length > 0)
      await this.step('prices', async () => ({ sources: await this.prices.refresh() }));
    await this.step('recommendations', () => this.recommendations.run({ actor: 'scheduler' }));
    await this.step('anomalies', () => this.insights.detect({ actor: 'scheduler' }));
  }

  /** One part of the run: its result logged, or its failure (the next part still runs). */
  private async step(name: string, work: () => Promise<object>): Promise<void> {
    try {
      this.log.info({ event: `${name}.run`, ...(await work()) }, `${name} updated`);
    } catch (err) {
      this.log.error(
        { event: `${name}.failed`, reason: (err as Error).message.split('\n')[0] },
        `${name} run failed`,
      );
    }
  }
}
