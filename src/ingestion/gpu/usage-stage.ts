import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, QueryRunner } from 'typeorm';
import { copyLine } from '../copy-text.js';
import type { UsageTable } from './usage-tables.js';

const FLUSH_BYTES = 1 << 20;

export interface UsageColumnWriter<R> {
  column: string;
  value: (row: R) => string | number | null;
}

/** What a run replaces: a window of hours for the whole source, or per host the hours it sent. */
export type Replace = { window: { from: Date; to: Date } } | { hostsAsSeen: true };

/** One COPY into a stage table; rows are queued and flushed under back-pressure. */
export class StageCopy<R> {
  private pending = '';
  rows = 0;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly columns: readonly UsageColumnWriter<R>[],
  ) {}

  write(row: R): Promise<void> | undefined {
    this.pending += copyLine(
      this.columns.map((c) => {
        const v = c.value(row);
        return v === null ? null : String(v);
      }),
    );
    this.rows++;
    if (this.pending.length < FLUSH_BYTES) return undefined;
    const chunk = this.pending;
    this.pending = '';
    return this.stream.write(chunk) ? undefined : once(this.stream, 'drain').then(() => undefined);
  }

  async end(): Promise<void> {
    if (this.pending) this.stream.write(this.pending);
    this.pending = '';
    this.stream.end();
    await finished(this.stream);
  }

  destroy(): void {
    (this.stream as unknown as { destroy(e?: Error): void }).destroy();
  }
}

/**
 * One usage import's transaction: rows are COPYed into temporary stage tables, then the replaced
 * rows are deleted and the staged ones inserted, and the run is marked, all in one commit. Until
 * then readers see the previous rows; a failed run rolls back and leaves them untouched.
 */
export class UsageStage {
  private open?: StageCopy<never>;

  private constructor(
    private readonly runner: QueryRunner,
    private readonly client: PoolClient,
    private readonly sourceId: number,
    private readonly runId: string,
  ) {}

  static async begin(ds: DataSource, sourceId: number, runId: string): Promise<UsageStage> {
    const runner = ds.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    await client.query('BEGIN');
    return new UsageStage(runner, client, sourceId, runId);
  }

  /** Starts the COPY of one table's rows (one table at a time per connection). */
  async copy<R>(
    table: UsageTable,
    columns: readonly UsageColumnWriter<R>[],
  ): Promise<StageCopy<R>> {
    const names = columns.map((c) => c.column).join(', ');
    await this.client.query(
      `CREATE TEMP TABLE stage_${table} ON COMMIT DROP AS SELECT ${names} FROM ${table} WITH NO DATA`,
    );
    const copy = new StageCopy<R>(
      this.client.query(copyFrom(`COPY stage_${table} (${names}) FROM STDIN`)),
      columns,
    );
    this.open = copy as unknown as StageCopy<never>;
    return copy;
  }

  /** Moves a finished stage into its table, replacing what `replace` covers. */
  async publish(table: UsageTable, columns: readonly { column: string }[], replace: Replace) {
    const names = columns.map((c) => c.column).join(', ');
    if ('window' in replace) {
      await this.client.query(
        `DELETE FROM ${table} WHERE source_id = $1 AND hour >= $2 AND hour < $3`,
        [this.sourceId, replace.window.from, replace.window.to],
      );
    } else {
      await this.client.query(
        `DELETE FROM ${table} t USING (SELECT host, min(hour) AS lo, max(hour) AS hi FROM stage_${table} GROUP BY host) s
          WHERE t.source_id = $1 AND t.host = s.host AND t.hour BETWEEN s.lo AND s.hi`,
        [this.sourceId],
      );
    }
    await this.client.query(
      `INSERT INTO ${table} (source_id, import_run_id, ${names})
       SELECT $1, $2, ${names} FROM stage_${table}`,
      [this.sourceId, this.runId],
    );
  }

  /** Runs a statement inside the import's transaction (e.g. clearing what it consumed). */
  async exec(sql: string, params: unknown[]): Promise<void> {
    await this.client.query(sql, params);
  }

  async commit(alongside: (q: QueryRunner) => Promise<void>): Promise<void> {
    try {
      await alongside(this.runner);
      await this.client.query('COMMIT');
    } finally {
      await this.runner.release();
    }
  }

  async abort(): Promise<void> {
    this.open?.destroy();
    await this.client.query('ROLLBACK').catch(() => undefined);
    await this.runner.release();
  }
}
