import { Injectable } from '@nestjs/common';
import { FailureLimiter, TooManyAuthFailuresError } from './failure-limiter.js';
import { OidcVerifier } from './oidc-verifier.js';
import { Principal } from './roles.js';
import { credentialFingerprint } from './token-secret.js';
import { TokensService } from './tokens.service.js';
import { VerifiedCredential } from './verified-credential.js';
import { WebSessions } from './web-sessions.service.js';

/**
 * Turns a presented credential (API token, OIDC JWT or web session) into a principal. A valid
 * credential always gets in; only failures are limited, per client and per credential fingerprint
 * (guesses at one token from many clients), so that nobody can lock others out by failing from
 * their address. Used by the guard and the login form, so both count toward the same limits.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly tokens: TokensService,
    private readonly oidc: OidcVerifier,
    private readonly sessions: WebSessions,
    private readonly limiter: FailureLimiter,
  ) {}

  /** The verified API token or JWT, or null when it is unknown, revoked or expired. */
  async authenticate(credential: string, client: string): Promise<VerifiedCredential | null> {
    const verified = this.oidc.accepts(credential)
      ? await this.oidc.verify(credential)
      : await this.tokens.verify(credential);
    return verified ?? this.refuse(credential, client);
  }

  /** The principal of a web session secret, or null when the session is not live. */
  async authenticateSession(secret: string, client: string): Promise<Principal | null> {
    return (await this.sessions.principalOf(secret)) ?? this.refuse(secret, client);
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
