import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'fcb_';

/** A new random token: 256 bits, URL-safe, recognisable by its `fcb_` prefix (secret scanners). */
export function generateTokenSecret(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

/**
 * SHA-256 of the token. Tokens carry 256 random bits, so a fast hash is enough (a slow password
 * hash protects low-entropy secrets; it adds nothing here and would slow every request).
 */
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** What a listing may show of a token: its prefix and first few characters. */
export function tokenDisplayPrefix(secret: string): string {
  return secret.slice(0, PREFIX.length + 6);
}

/**
 * What guesses at one token have in common, for limiting them: the display prefix of one of our
 * tokens (listings show it, so an attacker may know it), else the whole credential. Hashed, so
 * the limiter never holds what was presented.
 */
export function credentialFingerprint(credential: string): string {
  const shared = credential.startsWith(PREFIX) ? tokenDisplayPrefix(credential) : credential;
  return hashTokenSecret(shared).slice(0, 16);
}
