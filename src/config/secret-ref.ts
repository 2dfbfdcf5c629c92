import { z } from 'zod';
import { readFileSync } from 'node:fs';

/**
 * Credentials in config are references, never values: `${env:NAME}` reads an environment variable,
 * `${file:/path}` a file (trailing newline removed). Resolved when a source runs, so the secret
 * never sits in the parsed config, the database or a log. Other text is returned as is.
 */
export function resolveSecretRef(value: string, env: NodeJS.ProcessEnv = process.env): string {
  const m = /^\$\{(env|file):([^}]+)\}$/.exec(value.trim());
  if (!m) return value;
  const [, kind, ref] = m as unknown as [string, 'env' | 'file', string];
  if (kind === 'env') {
    const v = env[ref];
    if (v === undefined || v === '') throw new Error(`environment variable ${ref} is not set`);
    return v;
  }
  try {
    return readFileSync(ref, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new Error(
      `cannot read secret file ${ref}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
}

/** True when the text is a reference rather than an inline value. */
export function isSecretRef(value: string): boolean {
  return /^\$\{(env|file):[^}]+\}$/.test(value.trim());
}

/** A credential in config: `${env:NAME}` or `${file:/path}`, never the secret itself. */
export const secretRefSchema = z
  .string()
  .regex(/^\$\{(env|file):[^}]+\}$/, 'must be ${env:NAME} or ${file:/path}, not the secret itself');
