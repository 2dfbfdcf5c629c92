import { Injectable } from '@nestjs/common';
import { FailureLimiter, TooManyAuthFailuresError } from './failure-limiter.js';
import { OidcVerifier } from './oidc-verifier.js';
import { Principal } from './roles.js';
import { credentialFingerprint } from './token-secret.js';
import { TokensService } from './tokens.service.js';

/**
 * Turns a presented credential (API token or OIDC JWT) into a principal. A valid
 * credential always gets in; only failures are limited, per client and per credential fingerprint
 * (guesses at one token from many clients), so that nobody can lock others out by failing from
 * their address. Used by the guard and the login form, so both count toward the same limits.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly tokens: TokensService,
    private readonly oidc: OidcVerifier,
    private readonly limiter: FailureLimiter,
  ) {}

  /** The principal, or null when the credential is unknown, revoked or expired. */
  async authenticate(credential: string, client: string): Promise<Principal | null> {
    const principal = this.oidc.accepts(credential)
      ? await this.oidc.verify(credential)
      : await this.tokens.verify(credential);
    return principal ?? this.refuse(credential, client);
  }

  /** Counts a failure; throws when the client or the credential was already over the limit. */
  private refuse(credential: string, client: string): null {
    const keys = [`client:${client}`, `credential:${credentialFingerprint(credential)}`];
    const wait = Math.max(...keys.map((k) => this.limiter.retryAfter(k)));
    for (const k of keys) this.limiter.fail(k);
    if (wait > 0) throw new TooManyAuthFailuresError(wait);
    return null;
  }
}
