import { Injectable } from '@nestjs/common';
import { FailureLimiter, TooManyAuthFailuresError } from './failure-limiter.js';
import { OidcVerifier } from './oidc-verifier.js';
import { Principal } from './roles.js';
import { TokensService } from './tokens.service.js';

/**
 * Turns a presented credential (API token or OIDC JWT) into a principal, and limits failures per
 * client. Used by the guard and the login form, so both count toward the same limit.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly tokens: TokensService,
    private readonly oidc: OidcVerifier,
    private readonly limiter: FailureLimiter,
  ) {}

  /** The principal, or null for an unknown, revoked or expired credential (counted as a failure). */
  async authenticate(credential: string, client: string): Promise<Principal | null> {
    const wait = this.limiter.retryAfter(client);
    if (wait > 0) throw new TooManyAuthFailuresError(wait);
    const principal = this.oidc.accepts(credential)
      ? await this.oidc.verify(credential)
      : await this.tokens.verify(credential);
    if (!principal) this.limiter.fail(client);
    return principal;
  }
}
