import { tableEntity } from '../database/entity-columns.js';

/** web_session (migration 1796157248508): a browser sign-in, keyed by the SHA-256 of its secret. */
export const WebSessionSchema = tableEntity(
  'web_session',
  { id: 'text' },
  {
    token_id: 'integer?',
    principal: 'jsonb',
    created_at: 'timestamptz',
    expires_at: 'timestamptz',
    revoked_at: 'timestamptz?',
  },
);
