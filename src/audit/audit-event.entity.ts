import { tableEntity } from '../database/entity-columns.js';

/** audit_event (migration 004): who did what, with the state before and after. */
export const AuditEventSchema = tableEntity(
  'audit_event',
  { id: 'identity' },
  {
    at: 'timestamptz',
    actor: 'text',
    actor_role: 'text?',
    action: 'text',
    target: 'text?',
    before: 'jsonb?',
    after: 'jsonb?',
  },
);
