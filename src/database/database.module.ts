import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config.js';
import { LOGGER } from '../logging/logger.js';
import { createDataSource, migrate, poolSizeFor } from './data-source.js';
import { acquireEmbeddedPostgres, EmbeddedPostgres } from './embedded-postgres.js';

const EMBEDDED = Symbol('EMBEDDED_POSTGRES');

/**
 * Provides the TypeORM DataSource: on DATABASE_URL when set, otherwise on an embedded server under
 * FINOPS_DATA_DIR. Migrations run before anything else uses the database.
 */
@Global()
@Module({
  providers: [
    {
      provide: EMBEDDED,
      inject: [APP_CONFIG, LOGGER],
      useFactory: async (config: AppConfig, log: Logger): Promise<EmbeddedPostgres | null> =>
        config.databaseUrl ? null : acquireEmbeddedPostgres(config.dataDir, log, config.role),
    },
    {
      provide: DataSource,
      inject: [APP_CONFIG, EMBEDDED, LOGGER],
      useFactory: async (config: AppConfig, embedded: EmbeddedPostgres | null, log: Logger) => {
        const dataSource = createDataSource(
          config.databaseUrl ?? embedded!.url,
          poolSizeFor(config.importConcurrency),
          config.dbWaitMs,
          config.dbPoolIdleMs,
        );
        await dataSource.initialize();
        const applied = await migrate(dataSource);
        if (applied.length > 0) log.info({ event: 'db.migrated', applied }, 'migrations applied');
        return dataSource;
      },
    },
  ],
  exports: [DataSource],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(EMBEDDED) private readonly embedded: EmbeddedPostgres | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.embedded?.release();
  }
}
