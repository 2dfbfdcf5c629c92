import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '../config/app-config.js';
import { LOGGER } from '../logging/logger.js';
import { principalFromClaims } from './oidc-claims.js';
import { VerifiedCredential } from './verified-credential.js';

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Validates OIDC/JWT bearer tokens against the issuer's JWKS (signature, issuer, audience, expiry
 * with 30 s clock tolerance) and maps their claims to a role and teams. Off unless configured.
 */
@Injectable()
export class OidcVerifier {
  private keys?: ReturnType<typeof createRemoteJWKSet>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  accepts(token: string): boolean {
    return this.config.oidc !== undefined && JWT_SHAPE.test(token);
  }

  async verify(token: string): Promise<VerifiedCredential | null> {
    const oidc = this.config.oidc;
    if (!oidc) return null;
    this.keys ??= createRemoteJWKSet(new URL(oidc.jwksUrl));
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: oidc.issuer,
        audience: oidc.audience,
        clockTolerance: 30,
      });
      const principal = principalFromClaims(payload as Record<string, unknown>, oidc.claims);
      if (!principal) return null;
      return {
        principal,
        tokenId: null,
        expiresAt: payload.exp === undefined ? null : new Date(payload.exp * 1000),
      };
    } catch (err) {
      this.log.info({ event: 'auth.jwt_rejected', reason: (err as Error).message }, 'JWT rejected');
      return null;
    }
  }
}
