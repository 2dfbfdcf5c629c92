import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Period close (issue 6): a closed period's allocation is frozen in allocation_result, with the
 * rule-set version and source totals it was computed from. Lines with `restates` set are
 * adjustments: a later change to that closed period, booked in the period that holds them.
 */
export class CreatePeriodClose1795365900008 implements MigrationInterface {
  name = 'CreatePeriodClose1795365900008';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE period_close (
        period date PRIMARY KEY CHECK (extract(day FROM period) = 1),
        rule_set_version text NOT NULL,
        rule_set_effective_from text NOT NULL,
        rule_set_origin text NOT NULL,
        currency text,
        source_effective numeric NOT NULL,
        source_billed numeric NOT NULL,
        source_lines integer NOT NULL,
        source_accounts jsonb NOT NULL,
        freshness jsonb NOT NULL,
        closed_by text NOT NULL,
        closed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE allocation_result (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        period date NOT NULL REFERENCES period_close (period),
        restates date,
        team text NOT NULL,
        product text,
        environment text,
        kind text NOT NULL CHECK (kind IN ('direct', 'shared', 'unallocated', 'adjustment')),
        source text NOT NULL,
        method text,
        basis text,
        weight numeric,
        weight_total numeric,
        provider text,
        billing_account_id text,
        billing_account_name text,
        sub_account_id text,
        sub_account_name text,
        service_name text,
        service_category text,
        effective numeric NOT NULL,
        billed numeric NOT NULL,
        lines integer NOT NULL
      )`);
    await q.query(`CREATE INDEX allocation_result_period ON allocation_result (period)`);
    await q.query(
      `CREATE INDEX allocation_result_restates ON allocation_result (restates) WHERE restates IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE allocation_result`);
    await q.query(`DROP TABLE period_close`);
  }
}
