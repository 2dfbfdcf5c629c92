import type { Role } from '../auth/roles.js';
import { TokensService } from '../auth/tokens.service.js';
import { CLI_ACTOR, withApp } from './with-app.js';

export async function createToken(o: {
  name: string;
  role: Role;
  teams?: string[];
  expires?: number;
}): Promise<void> {
  const { token: t, secret } = await withApp((app) =>
    app.get(TokensService).create(
      {
        name: o.name,
        role: o.role,
        teams: o.teams,
        expiresAt: o.expires ? new Date(Date.now() + o.expires) : null,
      },
      CLI_ACTOR,
    ),
  );
  process.stderr.write(
    `created token ${t.id} "${t.name}" (${t.role}${t.teams.length ? `: ${t.teams.join(', ')}` : ''}${t.expiresAt ? `, expires ${t.expiresAt}` : ''}); the secret below is shown only once\n`,
  );
  process.stdout.write(`${secret}\n`);
}

export async function listTokens(o: { json?: boolean }): Promise<void> {
  const tokens = await withApp((app) => app.get(TokensService).list());
  if (o.json) {
    process.stdout.write(`${JSON.stringify(tokens)}\n`);
    return;
  }
  for (const t of tokens) {
    const state = t.revokedAt
      ? 'revoked'
      : t.expiresAt && t.expiresAt <= new Date().toISOString()
        ? 'expired'
        : 'active';
    process.stdout.write(
      `${t.id}\t${t.prefix}…\t${t.name}\t${t.role}${t.teams.length ? `:${t.teams.join(',')}` : ''}\t${state}\tlast used ${t.lastUsedAt ?? 'never'}\n`,
    );
  }
}

export async function revokeToken(idOrName: string): Promise<void> {
  const done = await withApp((app) => app.get(TokensService).revoke(idOrName, CLI_ACTOR));
  if (!done) throw new Error(`no active token "${idOrName}"`);
  process.stdout.write(`revoked ${idOrName}\n`);
}
