import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config.js';
import { Principal } from './roles.js';
import { SESSION_SECRET_SHAPE } from './session-cookie.js';
import { hashTokenSecret } from './token-secret.js';
import { VerifiedCredential } from './verified-credential.js';

/**
 * Web sign-in sessions, kept server-side (web_session): the cookie holds a random secret, the
 * table its SHA-256 and the principal. A session ends at sign-out, at FINOPS_SESSION_TTL, when
 * the credential it was made from expires, or when its API token is revoked.
 */
@Injectable()
export class WebSessions {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A new session for a verified credential: the secret for the cookie and its lifetime. */
  async start(
    credential: VerifiedCredential,
    now = new Date(),
  ): Promise<{ secret: string; maxAgeS: number }> {
    const until = Math.min(
      now.getTime() + this.config.sessionTtlMs,
      credential.expiresAt?.getTime() ?? Infinity,
    );
    const secret = randomBytes(32).toString('base64url');
    // Ended sessions are kept until they expire (their row says when and why), then dropped.
    await this.dataSource.query(`DELETE FROM web_session WHERE expires_at <= $1`, [now]);
    await this.dataSource.query(
      `INSERT INTO web_session (id, token_id, principal, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [hashTokenSecret(secret), credential.tokenId, credential.principal, now, new Date(until)],
    );
    return { secret, maxAgeS: Math.max(0, Math.floor((until - now.getTime()) / 1000)) };
  }

  /** The principal of a live session, or null (unknown, ended, expired, or its token revoked). */
  async principalOf(secret: string, now = new Date()): Promise<Principal | null> {
    if (!SESSION_SECRET_SHAPE.test(secret)) return null;
    const [row] = (await this.dataSource.query(
      `SELECT s.principal FROM web_session s LEFT JOIN api_token t ON t.id = s.token_id
        WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > $2
          AND (s.token_id IS NULL
               OR (t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)))`,
      [hashTokenSecret(secret), now],
    )) as { principal: Principal }[];
    return row?.principal ?? null;
  }

  /** Ends a session (sign-out); an unknown or malformed secret ends nothing. */
  async end(secret: string, now = new Date()): Promise<void> {
    if (!SESSION_SECRET_SHAPE.test(secret)) return;
    await this.dataSource.query(
      `UPDATE web_session SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`,
      [hashTokenSecret(secret), now],
    );
  }
}
