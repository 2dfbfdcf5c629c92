import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { after } from 'node:test';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { AppConfig, loadConfig } from '../../src/config/app-config.js';
import { createLogger, PinoNestLogger } from '../../src/logging/logger.js';
import { createTestDatabase } from './test-db.js';

export function testConfig(databaseUrl: string, overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    ...loadConfig({
      DATABASE_URL: databaseUrl,
      FINOPS_SAMPLE_DATA: 'off',
      FINOPS_CONFIG_DIR: '/nonexistent',
    }),
    ...overrides,
  };
}

export const testLogger = () => createLogger(process.env['LOG_LEVEL'] ?? 'silent', false);

/** The application (no HTTP) on a private database; closed after the file's tests. */
export async function createTestContext(): Promise<{
  app: INestApplicationContext;
  db: DataSource;
  url: string;
}> {
  const url = await createTestDatabase();
  const logger = testLogger();
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot(testConfig(url), logger),
    {
      logger: new PinoNestLogger(logger),
    },
  );
  after(() => app.close());
  return { app, db: app.get(DataSource), url };
}
