import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cost anomalies (issue 8): a run of days whose spend of a scope (the organisation, a team, a
 * service) rose above what its history leads to expect. One row per (scope, first day); later
 * runs extend it while it lasts. Status follows a review: open, acknowledged, expected, resolved.
 */
export class CreateAnomaly1795365900011 implements MigrationInterface {
  name = 'CreateAnomaly1795365900011';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE anomaly (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        scope_kind text NOT NULL CHECK (scope_kind IN ('total', 'team', 'service')),
        scope text NOT NULL,
        team text,
        start_day date NOT NULL,
        end_day date NOT NULL,
        currency text,
        actual numeric NOT NULL,
        expected numeric NOT NULL,
        impact numeric NOT NULL,
        max_impact numeric NOT NULL,
        impact_percent double precision,
        days jsonb NOT NULL,
        status text NOT NULL DEFAULT 'open'
          CHECK (status IN ('open', 'acknowledged', 'expected', 'resolved')),
        status_note text,
        status_changed_at timestamptz,
        status_changed_by text,
        detected_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        UNIQUE (scope_kind, scope, start_day)
      )`);
    await q.query(`CREATE INDEX anomaly_start ON anomaly (start_day DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE anomaly`);
  }
}
