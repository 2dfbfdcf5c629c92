import { DataSource, QueryRunner } from 'typeorm';

/**
 * Advisory lock key (bigint space) of one (source, period): readable in pg_locks as
 * sourceId·10⁶ + yyyymm. Period `0000-00` stands for a source's whole-file runs.
 */
export function periodLockKey(sourceId: number, period: string): string {
  return String(BigInt(sourceId) * 1_000_000n + BigInt(period.slice(0, 4) + period.slice(5, 7)));
}

/**
 * Runs `work` holding the session advisory lock `key` on a connection of its own (passed to
 * `work`, e.g. to tie an import run's liveness to it). Resolves `{ locked: false }` at once when
 * another process or replica holds the lock.
 */
export async function withPeriodLock<T>(
  dataSource: DataSource,
  key: string,
  work: (lock: QueryRunner) => Promise<T>,
): Promise<{ locked: true; value: T } | { locked: false }> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    const [{ locked }] = (await lock.query(`SELECT pg_try_advisory_lock($1::bigint) AS locked`, [
      key,
    ])) as [{ locked: boolean }];
    if (!locked) return { locked: false };
    try {
      return { locked: true, value: await work(lock) };
    } finally {
      await lock.query(`SELECT pg_advisory_unlock($1::bigint)`, [key]);
    }
  } finally {
    await lock.release();
  }
}
