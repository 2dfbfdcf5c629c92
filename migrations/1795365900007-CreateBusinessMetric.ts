import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Business metrics (issue 6): requests served, active customers, tokens… per month or per day,
 * for a team or a product. One value per (metric, granularity, day, team, product); a new value
 * for the same key replaces the old one. Month values are stored on the month's first day.
 */
export class CreateBusinessMetric1795365900007 implements MigrationInterface {
  name = 'CreateBusinessMetric1795365900007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE business_metric (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        metric text NOT NULL,
        granularity text NOT NULL CHECK (granularity IN ('month', 'day')),
        day date NOT NULL,
        team text,
        product text,
        value numeric NOT NULL CHECK (value >= 0),
        unit text,
        origin text NOT NULL,
        loaded_by text NOT NULL,
        loaded_at timestamptz NOT NULL DEFAULT now(),
        CHECK (team IS NOT NULL OR product IS NOT NULL),
        CHECK (granularity = 'day' OR extract(day FROM day) = 1)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX business_metric_key ON business_metric
         (metric, granularity, day, coalesce(team, ''), coalesce(product, ''))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE business_metric`);
  }
}
