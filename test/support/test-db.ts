import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import pg from 'pg';

export const TEMPLATE_DB = 'finops_template';

/**
 * A fresh, fully migrated database for one test file, cloned from the template the runner
 * prepared. Dropped when the file's tests end.
 */
export async function createTestDatabase(): Promise<string> {
  const serverUrl = process.env['TEST_SERVER_URL'];
  if (!serverUrl) throw new Error('TEST_SERVER_URL is not set: run tests with `npm test`');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`);
  await admin.end();
  after(async () => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
