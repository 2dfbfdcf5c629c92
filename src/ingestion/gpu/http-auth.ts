import type { HttpAuthConfig } from '../../config/app-config.js';
import { resolveSecretRef } from '../../config/secret-ref.js';

/** The Authorization header for a source's auth block, resolved when the run starts. */
export function authHeaders(auth: HttpAuthConfig): Record<string, string> {
  if (!auth) return {};
  if ('bearerToken' in auth)
    return { authorization: `Bearer ${resolveSecretRef(auth.bearerToken)}` };
  const basic = Buffer.from(`${auth.username}:${resolveSecretRef(auth.password)}`).toString(
    'base64',
  );
  return { authorization: `Basic ${basic}` };
}
