import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, QueryRunner } from 'typeorm';
import { BufferedCopy } from '../buffered-copy.js';
import { copyLine } from '../copy-text.js';
import type { UsageTable } from './usage-tables.js';

export interface UsageColumnWriter<R> {
  column: string;
  value: (row: R) => string | number | null;
}

/** What a run replaces: a window of hours for the whole source, or per host the hours it sent. */
export type Replace = { window: { from: Date; to: Date } } | { hostsAsSeen: true };

/** One COPY of typed rows into a stage table. */
export class StageCopy<R> {
  private readonly copy: BufferedCopy;

  constructor(
    stream: NodeJS.WritableStream,
    private readonly columns: readonly UsageColumnWriter<R>[],
  ) {
    this.copy = new BufferedCopy(stream, 1 << 20);
  }

  get rows(): number {
    return this.copy.rows;
  }

  write(row: R): Promise<void> | undefined {
    return this.copy.push(
      copyLine(
        this.columns.map((c) => {
          const v = c.value(row);
          return v === null ? null : String(v);
        }),
      ),
    );
  }

  end(): Promise<void> {
    return this.copy.end();
  }

  destroy(): Promise<void> {
    return this.copy.destroy();
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
    await this.open?.destroy();
    await this.client.query('ROLLBACK').catch(() => undefined);
    await this.runner.release();
  }
}
