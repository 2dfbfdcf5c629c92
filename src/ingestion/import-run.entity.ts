import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { ImportProblem } from './import-errors.js';

export type ImportStatus = 'running' | 'succeeded' | 'failed';

export interface PeriodSummary {
  period: string;
  rows: number;
  billedCost: string;
  effectiveCost: string;
}

export interface RejectedRow {
  line: number;
  problems: { column: string; reason: string }[];
}

/** One execution of an import for one source; keeps counts, problems and the outcome. */
@Entity({ name: 'import_run' })
export class ImportRun {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'source_id', type: 'integer' })
  sourceId!: number;

  @Column({ type: 'text' })
  trigger!: string;

  @Column({ name: 'file_name', type: 'text', nullable: true })
  fileName!: string | null;

  @Column({ type: 'text', nullable: true })
  format!: string | null;

  @Column({ name: 'focus_version', type: 'text', nullable: true })
  focusVersion!: string | null;

  @Column({ type: 'text' })
  status!: ImportStatus;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'rows_read', type: 'bigint', default: 0 })
  rowsRead!: string;

  @Column({ name: 'rows_loaded', type: 'bigint', default: 0 })
  rowsLoaded!: string;

  @Column({ name: 'rows_rejected', type: 'bigint', default: 0 })
  rowsRejected!: string;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  periods!: PeriodSummary[];

  @Column({ type: 'jsonb', default: () => "'[]'" })
  problems!: ImportProblem[];

  @Column({ type: 'jsonb', default: () => "'[]'" })
  rejected!: RejectedRow[];

  @Column({ type: 'jsonb', default: () => "'{}'" })
  warnings!: Record<string, number>;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /** The one billing period a cloud import run covers (`YYYY-MM-01`); null for file imports. */
  @Column({ name: 'billing_period', type: 'date', nullable: true })
  billingPeriod!: string | null;

  /** Provider API requests the run made (Cost Explorer bills each one). */
  @Column({ type: 'integer', nullable: true })
  requests!: number | null;
}
