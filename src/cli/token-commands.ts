import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { INestApplicationContext } from '@nestjs/common';
import { Principal, parseDuration, Role, ROLES } from '../auth/roles.js';
import { TokensService } from '../auth/tokens.service.js';

type WithApp = <T>(work: (app: INestApplicationContext) => Promise<T>) => Promise<T>;

/** Whoever runs the CLI holds the database credentials, so acts as admin; named for the audit. */
export function cliPrincipal(user: string): Principal {
  return { name: `cli:${user}`, role: 'admin', teams: [] };
}

export function addTokenCommands(program: Command, withApp: WithApp, actor: Principal): void {
  const token = program.command('token').description('API tokens: create, list, revoke');
  token
    .command('create')
    .description('create a token; its secret is printed once')
    .requiredOption('--name <name>', 'what the token is for')
    .addOption(new Option('--role <role>', 'access role').choices(ROLES).makeOptionMandatory())
    .option('--teams <a,b>', 'teams a lead token may see (required for lead)', (v: string) =>
      v
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    )
    .option(
      '--expires <duration>',
      'lifetime such as 90d, 12h or 1y (default: never)',
      (v: string) => {
        const ms = parseDuration(v);
        if (!ms) throw new InvalidArgumentError('use a number and m, h, d or y (e.g. 90d)');
        return ms;
      },
    )
    .action(async (o: { name: string; role: Role; teams?: string[]; expires?: number }) => {
      const { token: t, secret } = await withApp((app) =>
        app.get(TokensService).create(
          {
            name: o.name,
            role: o.role,
            teams: o.teams,
            expiresAt: o.expires ? new Date(Date.now() + o.expires) : null,
          },
          actor,
        ),
      );
      process.stderr.write(
        `created token ${t.id} "${t.name}" (${t.role}${t.teams.length ? `: ${t.teams.join(', ')}` : ''}${t.expiresAt ? `, expires ${t.expiresAt}` : ''}); the secret below is shown only once\n`,
      );
      process.stdout.write(`${secret}\n`);
    });
  token
    .command('list')
    .description('list tokens (never their secrets)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
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
    });
  token
    .command('revoke')
    .description('revoke a token by id or name')
    .argument('<id-or-name>')
    .action(async (idOrName: string) => {
      const done = await withApp((app) => app.get(TokensService).revoke(idOrName, actor));
      if (!done) throw new Error(`no active token "${idOrName}"`);
      process.stdout.write(`revoked ${idOrName}\n`);
    });
}
