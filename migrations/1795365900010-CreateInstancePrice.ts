import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * List prices read from the providers' price APIs (issue 7), laid over the bundled instance
 * catalog. Replaced per (provider, region) by each successful refresh.
 */
export class CreateInstancePrice1795365900010 implements MigrationInterface {
  name = 'CreateInstancePrice1795365900010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE instance_price (
        provider text NOT NULL,
        region text NOT NULL,
        instance_type text NOT NULL,
        on_demand_hourly numeric NOT NULL CHECK (on_demand_hourly >= 0),
        spot_hourly numeric CHECK (spot_hourly >= 0),
        source text NOT NULL,
        fetched_at timestamptz NOT NULL,
        PRIMARY KEY (provider, region, instance_type)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE instance_price`);
  }
}
