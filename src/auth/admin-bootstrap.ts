import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '../config/app-config.js';
import { LOGGER } from '../logging/logger.js';
import { Principal } from './roles.js';
import { hashTokenSecret } from './token-secret.js';
import { TokensService } from './tokens.service.js';
import { DataSource } from 'typeorm';

const SYSTEM: Principal = { name: 'system', role: 'admin', teams: [] };

/**
 * Makes sure someone can administer a new installation: FINOPS_ADMIN_TOKEN is registered as an
 * admin token; otherwise, when no admin token exists, one is created and printed once.
 */
@Injectable()
export class AdminBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tokens: TokensService,
    private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Returns the new secret when one was generated (the caller shows it), else undefined. */
  async ensureAdmin(): Promise<string | undefined> {
    const fromEnv = this.config.adminToken;
    if (fromEnv) {
      const [known] = (await this.dataSource.query(
        `SELECT 1 FROM api_token WHERE token_hash = $1`,
        [hashTokenSecret(fromEnv)],
      )) as unknown[];
      if (!known)
        await this.tokens.create(
          { name: 'admin (FINOPS_ADMIN_TOKEN)', role: 'admin' },
          SYSTEM,
          fromEnv,
        );
      return undefined;
    }
    if (await this.tokens.hasActiveAdmin()) return undefined;
    const { secret } = await this.tokens.create({ name: 'initial-admin', role: 'admin' }, SYSTEM);
    this.log.warn(
      { event: 'auth.admin_token_created' },
      'no admin token existed: created one (printed once on stderr)',
    );
    return secret;
  }
}
