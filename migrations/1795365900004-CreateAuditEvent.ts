import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAuditEvent1795365900004 implements MigrationInterface {
  name = 'CreateAuditEvent1795365900004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_event (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        actor_role text,
        action text NOT NULL,
        target text,
        before jsonb,
        after jsonb
      )`);
    await q.query(`CREATE INDEX audit_event_at ON audit_event (at DESC)`);
    await q.query(`CREATE INDEX audit_event_action_at ON audit_event (action, at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_event`);
  }
}
