import { Inject, Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import type { Logger } from 'pino';
import { ImportBusyError } from '../ingestion/import-errors.js';
import { LOGGER } from '../logging/logger.js';
import { SourcesService } from './sources.service.js';

/**
 * One cron job per enabled, scheduled source (UTC). Each tick runs on its own: a failing source
 * is logged and recorded on its import run, never stopping the others; a source still running
 * from the previous tick, or held by another replica, is skipped with a log line.
 * Started by the service only (the CLI never schedules).
 */
@Injectable()
export class SourceScheduler {
  private readonly running = new Set<string>();

  constructor(
    private readonly sources: SourcesService,
    private readonly registry: SchedulerRegistry,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  start(): number {
    let count = 0;
    for (const source of this.sources.configured()) {
      if (!source.enabled || !source.schedule) continue;
      const job = CronJob.from({
        cronTime: source.schedule,
        timeZone: 'UTC',
        onTick: () => void this.tick(source.name),
        start: true,
      });
      this.registry.addCronJob(`source:${source.name}`, job);
      count++;
    }
    this.log.info({ event: 'scheduler.started', jobs: count }, 'source schedules registered');
    return count;
  }

  /** One scheduled run; resolves whatever happens (errors are logged, not thrown). */
  async tick(name: string, now = new Date()): Promise<'succeeded' | 'failed' | 'skipped'> {
    if (this.running.has(name)) {
      this.log.info(
        { event: 'source.skipped', source: name, reason: 'previous run still going' },
        'scheduled run skipped',
      );
      return 'skipped';
    }
    this.running.add(name);
    try {
      await this.sources.run(name, { trigger: 'schedule', now });
      return 'succeeded';
    } catch (err) {
      if (err instanceof ImportBusyError) {
        this.log.info(
          { event: 'source.skipped', source: name, reason: 'another process is importing it' },
          'scheduled run skipped',
        );
        return 'skipped';
      }
      this.log.error(
        { event: 'source.failed', source: name, reason: (err as Error).message.split('\n')[0] },
        'scheduled run failed',
      );
      return 'failed';
    } finally {
      this.running.delete(name);
    }
  }
}
