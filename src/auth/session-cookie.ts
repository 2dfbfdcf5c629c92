import { UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';

export const SESSION_COOKIE = 'finops_session';
export const SESSION_MAX_AGE_S = 8 * 3600;

/**
 * The session cookie's value from a Cookie header, if present. A value that is not valid
 * percent-encoding (`%`, `%zz`) is a 401 naming the cookie, so a browser is sent to sign in
 * again and gets a fresh one.
 */
export function sessionFromCookie(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim()) || undefined;
      } catch {
        throw new UnauthorizedException({
          error: 'unauthenticated',
          field: SESSION_COOKIE,
          message: `the ${SESSION_COOKIE} cookie is not valid percent-encoding; sign in again at /login`,
        });
      }
    }
  }
  return undefined;
}

/**
 * The web UI signs in with a token and keeps it in an HttpOnly (no script access), SameSite=Strict
 * (never sent on cross-site requests, which also stops CSRF) cookie; Secure when served over TLS.
 */
export function sessionCookie(req: Request, token: string, maxAgeS = SESSION_MAX_AGE_S): string {
  const secure = req.secure ? '; Secure' : '';
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeS}${secure}`;
}
