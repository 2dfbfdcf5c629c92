import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { parseDuration, Role, ROLES } from '../auth/roles.js';

const actions = () => import('./token-actions.js');

export function addTokenCommands(program: Command): void {
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
    .action(async (o: { name: string; role: Role; teams?: string[]; expires?: number }) =>
      (await actions()).createToken(o),
    );
  token
    .command('list')
    .description('list tokens (never their secrets)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => (await actions()).listTokens(o));
  token
    .command('revoke')
    .description('revoke a token by id or name')
    .argument('<id-or-name>')
    .action(async (idOrName: string) => (await actions()).revokeToken(idOrName));
}
