import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { acquireEmbeddedPostgres } from './embedded-postgres.js';

export interface ScratchPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * A server for tests and benchmarks: the given URL when set, otherwise an embedded PostgreSQL in a
 * temporary directory that `stop()` shuts down and deletes.
 */
export async function scratchPostgres(
  url: string | undefined,
  log: Logger,
): Promise<ScratchPostgres> {
  if (url) return { url, stop: async () => undefined };
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'finops-pg-'));
  chmodSync(dataDir, 0o755); // the server may run as another user (root cannot run PostgreSQL)
  const embedded = await acquireEmbeddedPostgres(dataDir, log);
  return {
    url: embedded.url,
    async stop() {
      await embedded.release();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
