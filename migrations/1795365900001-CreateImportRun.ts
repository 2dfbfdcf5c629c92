import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateImportRun1795365900001 implements MigrationInterface {
  name = 'CreateImportRun1795365900001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE import_run (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        source_id integer NOT NULL REFERENCES billing_source (id),
        trigger text NOT NULL,
        file_name text,
        format text,
        focus_version text,
        status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        rows_read bigint NOT NULL DEFAULT 0,
        rows_loaded bigint NOT NULL DEFAULT 0,
        rows_rejected bigint NOT NULL DEFAULT 0,
        periods jsonb NOT NULL DEFAULT '[]',
        problems jsonb NOT NULL DEFAULT '[]',
        rejected jsonb NOT NULL DEFAULT '[]',
        warnings jsonb NOT NULL DEFAULT '{}',
        error text
      )`);
    await q.query(
      `CREATE INDEX import_run_source_started ON import_run (source_id, started_at DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE import_run`);
  }
}
