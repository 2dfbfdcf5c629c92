import { INestApplicationContext } from '@nestjs/common';
import { Role } from '../../src/auth/roles.js';
import { TokensService } from '../../src/auth/tokens.service.js';

/** Issues a real API token for tests and returns the Authorization header that carries it. */
export async function bearer(
  app: INestApplicationContext,
  role: Role,
  teams?: string[],
): Promise<{ authorization: string }> {
  const { secret } = await app
    .get(TokensService)
    .create(
      { name: `test-${role}${teams ? `-${teams.join('-')}` : ''}`, role, teams },
      { name: 'test', role: 'admin', teams: [] },
    );
  return { authorization: `Bearer ${secret}` };
}
