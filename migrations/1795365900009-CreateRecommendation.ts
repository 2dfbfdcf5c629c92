import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recommendations (issue 7): one row per fingerprint (kind + resource + proposal), updated by
 * each run. Status follows the review workflow (open, accepted, implemented, verified, dismissed,
 * snoozed) plus `resolved` when the condition disappeared. Savings are NUMERIC; a null saving
 * means a price was unknown. Realized savings are measured after implementation.
 */
export class CreateRecommendation1795365900009 implements MigrationInterface {
  name = 'CreateRecommendation1795365900009';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE recommendation (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        fingerprint text NOT NULL UNIQUE,
        kind text NOT NULL,
        resource_id text NOT NULL,
        resource_name text,
        provider text,
        region text,
        team text,
        title text NOT NULL,
        proposal jsonb NOT NULL,
        options jsonb NOT NULL,
        evidence jsonb NOT NULL,
        currency text,
        current_monthly_cost numeric NOT NULL,
        monthly_savings numeric,
        pricing text NOT NULL,
        risk text NOT NULL CHECK (risk IN ('low', 'medium', 'high')),
        risk_reason text NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN
          ('open', 'accepted', 'implemented', 'verified', 'dismissed', 'snoozed', 'resolved')),
        dismiss_reason text CHECK (dismiss_reason IN
          ('not-applicable', 'expected', 'seasonal', 'migration', 'other')),
        status_note text,
        snoozed_until timestamptz,
        status_changed_at timestamptz,
        status_changed_by text,
        implemented_at timestamptz,
        realized_monthly_savings numeric,
        realized_detail jsonb,
        first_seen timestamptz NOT NULL,
        last_seen timestamptz NOT NULL,
        resolved_at timestamptz
      )`);
    await q.query(`CREATE INDEX recommendation_team_status ON recommendation (team, status, kind)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE recommendation`);
  }
}
