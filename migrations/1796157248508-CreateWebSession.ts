import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Server-side web sessions: the browser's cookie holds a random secret and this table its SHA-256,
 * so sign-out and revoking the token end the session, and the API token never sits in a cookie.
 */
export class CreateWebSession1796157248508 implements MigrationInterface {
  name = 'CreateWebSession1796157248508';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE web_session (
        id text PRIMARY KEY,
        token_id integer REFERENCES api_token (id) ON DELETE CASCADE,
        principal jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX web_session_token_id ON web_session (token_id)`);
    await q.query(`CREATE INDEX web_session_expires_at ON web_session (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE web_session`);
  }
}
