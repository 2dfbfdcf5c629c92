import { Inject, Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '../config/app-config.js';
import { LOGGER } from '../logging/logger.js';
import { RecommendationsService } from './recommendations.service.js';
import { PricesService } from '../catalog/prices.service.js';

/** The daily recommendations run (FINOPS_RECOMMEND_SCHEDULE, UTC). Started by the service only. */
@Injectable()
export class RecommendationScheduler {
  constructor(
    private readonly recommendations: RecommendationsService,
    private readonly prices: PricesService,
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
    // A failed refresh is logged by the service; the run goes on with the last good prices.
    if (this.prices.sources.length > 0) await this.prices.refresh();
    try {
      const r = await this.recommendations.run({ actor: 'scheduler' });
      this.log.info({ event: 'recommendations.run', ...r }, 'recommendations updated');
    } catch (err) {
      this.log.error(
        { event: 'recommendations.failed', reason: (err as Error).message.split('\n')[0] },
        'recommendations run failed',
      );
    }
  }
}
