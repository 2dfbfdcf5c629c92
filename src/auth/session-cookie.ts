import type { Request } from 'express';

export const SESSION_COOKIE = 'finops_session';

/** A session secret: 256 random bits, base64url. Anything else in the cookie is not a session. */
export const SESSION_SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The session cookie's value from a Cookie header, as sent (not URL-decoded: a session secret
 * never needs decoding, and a malformed escape such as `%` must not throw).
 */
export function sessionFromCookie(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      return part.slice(eq + 1).trim() || undefined;
    }
  }
  return undefined;
}

/**
 * The web UI's session secret in an HttpOnly (no script access), SameSite=Strict (never sent on
 * cross-site requests, which also stops CSRF) cookie; Secure when served over TLS. An empty value
 * with Max-Age=0 clears it.
 */
export function sessionCookie(req: Request, secret: string, maxAgeS: number): string {
  const secure = req.secure ? '; Secure' : '';
  return `${SESSION_COOKIE}=${secret}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeS}${secure}`;
}
