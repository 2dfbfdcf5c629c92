import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { acquireEmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { createLogger } from '../../src/logging/logger.js';
import {
  freePort,
  freshFetch,
  freshMachineEnv,
  runCli,
  startService,
  waitUntil,
} from '../support/service-process.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'finops-owner-'));
chmodSync(dataDir, 0o755);
after(() => rmSync(dataDir, { recursive: true, force: true }));
const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');

/** The embedded server's pid and port (postmaster.pid lines 1 and 4), or undefined when stopped. */
function postmaster(): { pid: number; port: number } | undefined {
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  return { pid: Number(lines[0]), port: Number(lines[3]) };
}

/** Connections of the service's pool (application_name of src/database/data-source.ts). */
async function poolConnections(): Promise<number> {
  const password = readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim();
  const client = new pg.Client({
    connectionString: `postgres://finops:${encodeURIComponent(password)}@127.0.0.1:${postmaster()!.port}/postgres`,
  });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'finops-chargeback'`,
    );
    return rows[0]!.n;
  } finally {
    await client.end();
  }
}

const env = (port: number) =>
  freshMachineEnv(port, dataDir, {
    FINOPS_SAMPLE_DATA: 'off',
    FINOPS_RECOMMEND_SCHEDULE: 'off',
    // Idle pool connections close at once, as they do after 10 s by default.
    FINOPS_DB_POOL_IDLE_MS: '50',
  });

describe('embedded PostgreSQL ownership', () => {
  it('a CLI run alone starts the server and stops it when done', async () => {
    const r = await runCli(['token', 'create', '--name', 'first', '--role', 'admin'], env(0));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^fcb_/);
    assert.equal(postmaster(), undefined, 'the CLI stopped the server it started');
  });

  it('a CLI run leaves the service its server, even while the service holds no connection', async () => {
    const port = await freePort();
    const service = await startService(env(port));
    const before = postmaster()!;
    await waitUntil(
      'the pool to close its idle connections',
      async () => (await poolConnections()) === 0,
    );
    const r = await runCli(['token', 'create', '--name', 'second', '--role', 'admin'], env(port));
    assert.equal(r.status, 0, r.stderr);
    assert.equal((await freshFetch(`${service.url}/health`)).status, 200, service.log());
    assert.equal(postmaster()?.pid, before.pid, 'the same server still runs');

    service.child.kill('SIGINT');
    const { code, signal } = await service.exited;
    assert.ok(code === 0 || signal === 'SIGINT', `exit ${code} ${signal}\n${service.log()}`);
    assert.equal(postmaster(), undefined, 'the service stopped the server at its exit');
  });

  it('a service that attaches while a CLI run owns the server keeps it when the CLI run ends', async () => {
    // The CLI side in-process, through the same code path the CLI takes, to order the steps exactly.
    const cli = await acquireEmbeddedPostgres(dataDir, createLogger('silent', false), 'cli');
    const started = postmaster()!;
    const port = await freePort();
    const service = await startService(env(port));
    await waitUntil(
      'the pool to close its idle connections',
      async () => (await poolConnections()) === 0,
    );
    await cli.release();
    assert.equal(postmaster()?.pid, started.pid, 'the server the CLI started is still up');
    assert.equal((await freshFetch(`${service.url}/health`)).status, 200, service.log());
    service.child.kill('SIGTERM');
    await service.exited;
    assert.equal(postmaster(), undefined, 'the service, its last user, stopped it');
  });

  it('the service restarts the embedded server when it dies, on the same port', async () => {
    const port = await freePort();
    const service = await startService(env(port));
    const before = postmaster()!;
    process.kill(before.pid, 'SIGKILL');
    await waitUntil('the service to restart the server', async () =>
      /embedded_pg\.restarted/.test(service.log()),
    );
    assert.notEqual(postmaster()!.pid, before.pid);
    assert.equal(postmaster()!.port, before.port);
    assert.equal((await freshFetch(`${service.url}/health`)).status, 200);
    // The data survived: the tokens created by the CLI runs above are still there.
    const list = await runCli(['token', 'list', '--json'], env(port));
    assert.equal(list.status, 0, list.stderr);
    const names = (JSON.parse(list.stdout) as { name: string }[]).map((t) => t.name).sort();
    assert.deepEqual(names, ['first', 'second']);
    service.child.kill('SIGTERM');
    await service.exited;
    assert.equal(postmaster(), undefined);
  });
});
