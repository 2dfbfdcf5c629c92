import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { PUBLIC_KEY, ROLES_KEY } from './access.decorators.js';
import { Principal, Role } from './roles.js';
import { Authenticator } from './authenticator.js';
import { sessionFromCookie } from './session-cookie.js';

const PRINCIPAL = Symbol('principal');
type WithPrincipal = Request & { [PRINCIPAL]?: Principal };

/** The authenticated caller of a request that passed the guard. */
export function principalOf(req: Request): Principal {
  const p = (req as WithPrincipal)[PRINCIPAL];
  if (!p) throw new Error('no principal on request: route is public or the guard did not run');
  return p;
}

/**
 * Global guard: every route is authenticated and authorized by default. Public routes say so
 * with @Public(); every other route must name its roles with @Allow(), or it is refused (403) so
 * that a route added without an access decision is closed, not open.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<WithPrincipal>();
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const session = bearer ? undefined : sessionFromCookie(req.headers.cookie);
    if (!bearer && !session) {
      throw new UnauthorizedException({
        error: 'unauthenticated',
        message: 'send an API token: Authorization: Bearer <token> (or sign in at /login)',
      });
    }
    const client = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const principal = bearer
      ? (await this.authenticator.authenticate(bearer, client))?.principal
      : await this.authenticator.authenticateSession(session!, client);
    if (!principal) {
      throw new UnauthorizedException({
        error: 'unauthenticated',
        message: bearer
          ? 'the token is unknown, revoked or expired'
          : 'the session has ended or expired: sign in again at /login',
      });
    }
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!allowed) {
      throw new ForbiddenException({
        error: 'forbidden',
        message: 'this route has no access decision',
      });
    }
    if (!allowed.includes(principal.role)) {
      throw new ForbiddenException({
        error: 'forbidden',
        message: `role ${principal.role} may not use this route`,
      });
    }
    req[PRINCIPAL] = principal;
    return true;
  }
}
