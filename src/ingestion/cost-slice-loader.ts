import type { PoolClient } from 'pg';
import { shiftPeriod } from '../billing/billing-period.js';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, QueryRunner } from 'typeorm';
import { COST_RECORD_COLUMNS } from '../billing/focus-columns.js';
import { BufferedCopy } from './buffered-copy.js';
import { copyField } from './copy-text.js';
import { NormalizedRow } from './focus-file/focus-row.normalizer.js';
import { PeriodSummary } from './import-run.entity.js';

/** `2024-09-01` → `y2024m09`, the suffix of that month's partition. */
export function periodSuffix(period: string): string {
  return `y${period.slice(0, 4)}m${period.slice(5, 7)}`;
}

/** `2024-09-01` → `2024-10-01`. */
const nextMonth = (day: string): string => `${shiftPeriod(day.slice(0, 7), 1)}-01`;

export function stageTablePrefix(runId: string): string {
  return `cost_stage_r${runId}_`;
}

class PeriodStage {
  private readonly copy: BufferedCopy;
  private constructor(
    readonly period: string,
    readonly table: string,
    private readonly runner: QueryRunner,
    stream: NodeJS.WritableStream,
  ) {
    this.copy = new BufferedCopy(stream);
  }

  /**
   * A stage is a standalone table shaped like cost_record with CHECK constraints equal to its
   * future partition bounds, so ATTACH PARTITION needs no validation scan. It is created and filled
   * in one transaction, which lets PostgreSQL skip WAL for the COPY when wal_level is minimal.
   */
  static async open(dataSource: DataSource, runId: string, sourceId: number, period: string) {
    const table = `${stageTablePrefix(runId)}${periodSuffix(period)}`;
    const runner = dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    try {
      await client.query('BEGIN');
      await client.query(`CREATE TABLE ${table} (LIKE cost_record INCLUDING DEFAULTS)`);
      await client.query(
        `ALTER TABLE ${table}
           ADD CONSTRAINT ${table}_bounds CHECK (billing_period >= '${period}' AND billing_period < '${nextMonth(period)}'),
           ADD CONSTRAINT ${table}_source CHECK (source_id = ${sourceId})`,
      );
      const stream = client.query(
        copyFrom(`COPY ${table} (${COST_RECORD_COLUMNS.join(', ')}) FROM STDIN`),
      );
      return new PeriodStage(period, table, runner, stream);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      await runner.release();
      throw err;
    }
  }

  /** Queues one COPY line; returns a promise only when the buffer must be flushed. */
  push(line: string): Promise<void> | undefined {
    return this.copy.push(line);
  }

  async finish(): Promise<PeriodSummary> {
    await this.copy.end();
    await this.runner.query('COMMIT');
    const [totals] = (await this.runner.query(
      `SELECT count(*)::int AS rows, coalesce(sum(billed_cost), 0)::text AS billed,
              coalesce(sum(effective_cost), 0)::text AS effective FROM ${this.table}`,
    )) as { rows: number; billed: string; effective: string }[];
    await this.runner.release();
    return {
      period: this.period.slice(0, 7),
      rows: totals!.rows,
      billedCost: totals!.billed,
      effectiveCost: totals!.effective,
    };
  }

  async abort(): Promise<void> {
    await this.copy.destroy();
    await this.runner.query('ROLLBACK').catch(() => undefined);
    await this.runner.release();
  }
}

/**
 * Loads one import's rows into per-period stage tables with COPY, then swaps each
 * (source, billing period) slice of cost_record in a single transaction. Until that commit the
 * previous data stays visible and intact; a crash leaves only stage tables, which are dropped.
 */
export class CostSliceLoader {
  private readonly stages = new Map<string, PeriodStage>();
  private readonly prefix: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sourceId: number,
    private readonly runId: string,
  ) {
    this.prefix = `${sourceId}\t${runId}\t`;
  }

  /**
   * Queues one row. Returns a promise only when the caller must wait (a new period's stage is
   * being created, or a COPY buffer is flushing under back-pressure), keeping the hot loop sync.
   */
  add(row: NormalizedRow, line: number): Promise<void> | undefined {
    const stage = this.stages.get(row.period);
    if (!stage) return this.openStage(row.period).then(() => this.add(row, line));
    let text = `${this.prefix}${row.period}\t${line}\t${copyField(row.extensions)}`;
    for (const value of row.values) text += '\t' + copyField(value);
    return stage.push(text + '\n');
  }

  /**
   * Makes a period (`YYYY-MM-01`) part of the swap even if no row arrives, so a provider that now
   * reports nothing for it replaces the old slice with an empty one.
   */
  async expect(period: string): Promise<void> {
    if (!this.stages.has(period)) await this.openStage(period);
  }

  private async openStage(period: string): Promise<void> {
    this.stages.set(
      period,
      await PeriodStage.open(this.dataSource, this.runId, this.sourceId, period),
    );
  }

  /** Ends every COPY and returns the exact totals of each staged period. */
  async finish(): Promise<PeriodSummary[]> {
    const summaries = await Promise.all([...this.stages.values()].map((s) => s.finish()));
    return summaries.sort((a, b) => a.period.localeCompare(b.period));
  }

  /**
   * Replaces each staged (source, period) slice in one transaction. `alsoInTransaction` runs
   * before COMMIT (the import run is marked succeeded atomically with the data).
   */
  async commit(alsoInTransaction: (q: QueryRunner) => Promise<void>): Promise<void> {
    const q = this.dataSource.createQueryRunner();
    await q.connect();
    try {
      await q.startTransaction();
      // Partition DDL from concurrent imports of other sources must not interleave.
      await q.query(`SELECT pg_advisory_xact_lock(hashtext('finops.cost_record.partitions'))`);
      for (const stage of this.stages.values()) {
        const month = `cost_record_${periodSuffix(stage.period)}`;
        const slice = `${month}_s${this.sourceId}`;
        await q.query(
          `CREATE TABLE IF NOT EXISTS ${month} PARTITION OF cost_record
             FOR VALUES FROM ('${stage.period}') TO ('${nextMonth(stage.period)}')
             PARTITION BY LIST (source_id)`,
        );
        await q.query(`DROP TABLE IF EXISTS ${slice}`);
        await q.query(
          `ALTER TABLE ${month} ATTACH PARTITION ${stage.table} FOR VALUES IN (${this.sourceId})`,
        );
        await q.query(`ALTER TABLE ${stage.table} RENAME TO ${slice}`);
      }
      await alsoInTransaction(q);
      await q.commitTransaction();
    } catch (err) {
      if (q.isTransactionActive) await q.rollbackTransaction();
      throw err;
    } finally {
      await q.release();
    }
  }

  /** Abandons the import: open COPYs are rolled back and committed stage tables dropped. */
  async abort(): Promise<void> {
    await Promise.all([...this.stages.values()].map((s) => s.abort().catch(() => undefined)));
    await dropStageTables(this.dataSource, this.runId);
  }
}

export async function dropStageTables(dataSource: DataSource, runId: string): Promise<void> {
  const tables = (await dataSource.query(
    `SELECT tablename FROM pg_tables
      WHERE schemaname = current_schema() AND tablename LIKE $1 ESCAPE '\\'`,
    [`${stageTablePrefix(runId).replace(/_/g, '\\_')}%`],
  )) as { tablename: string }[];
  for (const { tablename } of tables) await dataSource.query(`DROP TABLE IF EXISTS ${tablename}`);
}

/** Removes every (period) slice of a source from cost_record in one transaction. */
export async function dropSourceSlices(dataSource: DataSource, sourceId: number): Promise<number> {
  return dataSource.transaction(async (m) => {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('finops.cost_record.partitions'))`);
    const leaves = (await m.query(
      `SELECT c.relname FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname LIKE 'cost\\_record\\_y%' AND c.relname LIKE $1 ESCAPE '\\'`,
      [`%\\_s${sourceId}`],
    )) as { relname: string }[];
    for (const { relname } of leaves) await m.query(`DROP TABLE ${relname}`);
    return leaves.length;
  });
}
