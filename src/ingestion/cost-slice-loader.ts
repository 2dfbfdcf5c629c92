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

/** Bytes of COPY lines a stage collects before it writes them (and opens a COPY if it has none). */
const FLUSH_BYTES = 32 * 1024;

/**
 * COPYs one import keeps open at once. Each holds a pooled connection in a transaction, so a file
 * of many periods (a year-to-date export) must not open one per period: that would take the whole
 * pool and deadlock the import against itself and every other request.
 */
export const MAX_OPEN_COPIES = 3;

/** An open COPY into a stage table: its connection, in a transaction, and the stream. */
interface CopySegment {
  runner: QueryRunner;
  copy: BufferedCopy;
}

/**
 * One period's stage table. Lines collect in memory and are written in chunks through a COPY
 * "segment"; a segment can be ended (committed) to free its connection and a new one opened later
 * in a fresh transaction, appending to the same table.
 */
class PeriodStage {
  private pending = '';
  private segment: CopySegment | undefined;
  private created = false;
  lastWrite = 0;

  constructor(
    readonly period: string,
    readonly table: string,
    private readonly sourceId: number,
  ) {}

  get isOpen(): boolean {
    return this.segment !== undefined;
  }

  /** Queues one COPY line; true when enough is queued to be written. */
  queue(line: string): boolean {
    this.pending += line;
    return this.pending.length >= FLUSH_BYTES;
  }

  /** Sends the queued lines through the open segment (back-pressure: wait on the result). */
  write(): Promise<void> | undefined {
    const chunk = this.pending;
    this.pending = '';
    return chunk ? this.segment!.copy.push(chunk) : undefined;
  }

  /**
   * A stage is a standalone table shaped like cost_record with CHECK constraints equal to its
   * future partition bounds, so ATTACH PARTITION needs no validation scan. It is created and first
   * filled in one transaction, which lets PostgreSQL skip WAL for that COPY when wal_level is
   * minimal.
   */
  async open(dataSource: DataSource): Promise<void> {
    const runner = dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    try {
      await client.query('BEGIN');
      if (!this.created) {
        await client.query(`CREATE TABLE ${this.table} (LIKE cost_record INCLUDING DEFAULTS)`);
        await client.query(
          `ALTER TABLE ${this.table}
             ADD CONSTRAINT ${this.table}_bounds CHECK (billing_period >= '${this.period}' AND billing_period < '${nextMonth(this.period)}'),
             ADD CONSTRAINT ${this.table}_source CHECK (source_id = ${this.sourceId})`,
        );
      }
      const stream = client.query(
        copyFrom(`COPY ${this.table} (${COST_RECORD_COLUMNS.join(', ')}) FROM STDIN`),
      );
      this.segment = { runner, copy: new BufferedCopy(stream, 0) };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      await runner.release();
      throw err;
    }
  }

  /** Ends the open COPY and commits it, freeing its connection. */
  async close(): Promise<void> {
    const { runner, copy } = this.segment!;
    this.segment = undefined;
    try {
      await copy.end();
      await runner.query('COMMIT');
      this.created = true;
    } finally {
      await runner.release();
    }
  }

  /** Rolls the open COPY back, if any; committed segments are dropped with the table. */
  async abort(): Promise<void> {
    const segment = this.segment;
    this.segment = undefined;
    if (!segment) return;
    await segment.copy.destroy();
    await segment.runner.query('ROLLBACK').catch(() => undefined);
    await segment.runner.release();
  }

  async totals(dataSource: DataSource): Promise<PeriodSummary> {
    const [totals] = (await dataSource.query(
      `SELECT count(*)::int AS rows, coalesce(sum(billed_cost), 0)::text AS billed,
              coalesce(sum(effective_cost), 0)::text AS effective FROM ${this.table}`,
    )) as { rows: number; billed: string; effective: string }[];
    return {
      period: this.period.slice(0, 7),
      rows: totals!.rows,
      billedCost: totals!.billed,
      effectiveCost: totals!.effective,
    };
  }

  /** True until the table exists and every queued line is in it. */
  get unwritten(): boolean {
    return !this.created || this.pending.length > 0;
  }
}

/**
 * Loads one import's rows into per-period stage tables with COPY, then swaps each
 * (source, billing period) slice of cost_record in a single transaction. Until that commit the
 * previous data stays visible and intact; a crash leaves only stage tables, which are dropped.
 * At most `maxOpen` COPYs (connections) are open at once; the least recently written one is
 * committed to make room, and its period gets a new COPY when more of its rows come.
 */
export class CostSliceLoader {
  private readonly stages = new Map<string, PeriodStage>();
  private readonly prefix: string;
  private writes = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sourceId: number,
    private readonly runId: string,
    private readonly maxOpen = MAX_OPEN_COPIES,
  ) {
    this.prefix = `${sourceId}\t${runId}\t`;
  }

  /**
   * Queues one row. Returns a promise only when the caller must wait (a stage's lines are being
   * written, which may first open a COPY, or the COPY is under back-pressure), keeping the hot
   * loop sync.
   */
  add(row: NormalizedRow, line: number): Promise<void> | undefined {
    let text = `${this.prefix}${row.period}\t${line}\t${copyField(row.extensions)}`;
    for (const value of row.values) text += '\t' + copyField(value);
    const stage = this.stage(row.period);
    return stage.queue(text + '\n') ? this.write(stage) : undefined;
  }

  /**
   * Makes a period (`YYYY-MM-01`) part of the swap even if no row arrives, so a provider that now
   * reports nothing for it replaces the old slice with an empty one.
   */
  expect(period: string): void {
    this.stage(period);
  }

  private stage(period: string): PeriodStage {
    let stage = this.stages.get(period);
    if (!stage) {
      stage = new PeriodStage(
        period,
        `${stageTablePrefix(this.runId)}${periodSuffix(period)}`,
        this.sourceId,
      );
      this.stages.set(period, stage);
    }
    return stage;
  }

  private async write(stage: PeriodStage): Promise<void> {
    if (!stage.isOpen) {
      const open = [...this.stages.values()].filter((s) => s.isOpen);
      if (open.length >= this.maxOpen) {
        const idle = open.reduce((a, b) => (b.lastWrite < a.lastWrite ? b : a));
        await idle.close();
      }
      await stage.open(this.dataSource);
    }
    stage.lastWrite = ++this.writes;
    await stage.write();
  }

  /** Writes and commits every stage and returns the exact totals of each staged period. */
  async finish(): Promise<PeriodSummary[]> {
    const stages = [...this.stages.values()].sort((a, b) => a.period.localeCompare(b.period));
    for (const stage of stages) {
      if (stage.unwritten) await this.write(stage);
    }
    for (const stage of stages) if (stage.isOpen) await stage.close();
    const summaries: PeriodSummary[] = [];
    for (const stage of stages) summaries.push(await stage.totals(this.dataSource));
    return summaries;
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
    for (const stage of this.stages.values()) await stage.abort().catch(() => undefined);
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
