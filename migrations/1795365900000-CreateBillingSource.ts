import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateBillingSource1795365900000 implements MigrationInterface {
  name = 'CreateBillingSource1795365900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE billing_source (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name text NOT NULL UNIQUE,
        kind text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE billing_source`);
  }
}
