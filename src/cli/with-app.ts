import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import os from 'node:os';
import { AppModule } from '../app.module.js';
import type { Principal } from '../auth/roles.js';
import { loadConfig } from '../config/app-config.js';
import { createLogger, PinoNestLogger } from '../logging/logger.js';

/**
 * The application for one CLI command. Only the command actions import this module, and they are
 * loaded when a command runs, so `finops --help` never loads NestJS, TypeORM or the SDKs.
 */

/** Whoever runs the CLI holds the database credentials, so acts as admin; named for the audit. */
export function cliPrincipal(user: string): Principal {
  return { name: `cli:${user}`, role: 'admin', teams: [] };
}

export const CLI_ACTOR = cliPrincipal(os.userInfo().username);

/** Runs `work` inside the application (database ready, migrations applied), then shuts down. */
export async function withApp<T>(work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const config = { ...loadConfig(), role: 'cli' as const };
  // The CLI reports outcomes itself; logs stay quiet unless LOG_LEVEL asks for them.
  const logger = createLogger(config.logLevel ?? 'error');
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, logger), {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

export const print = (out: unknown): void => {
  process.stdout.write(`${typeof out === 'string' ? out : JSON.stringify(out)}\n`);
};
