import { MigrationInterface, QueryRunner } from 'typeorm';

/** Cloud importers run once per (source, billing period) and count the provider requests they pay for. */
export class ImportRunPeriodAndRequests1795365900005 implements MigrationInterface {
  name = 'ImportRunPeriodAndRequests1795365900005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE import_run ADD COLUMN billing_period date, ADD COLUMN requests integer`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE import_run DROP COLUMN billing_period, DROP COLUMN requests`);
  }
}
