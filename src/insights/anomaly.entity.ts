import { tableEntity } from '../database/entity-columns.js';

/** anomaly (migration 011): a run of days of a scope's spend above what its history expects. */
export const AnomalySchema = tableEntity(
  'anomaly',
  { id: 'identity' },
  {
    scope_kind: 'text',
    scope: 'text',
    team: 'text?',
    start_day: 'date',
    end_day: 'date',
    currency: 'text?',
    actual: 'numeric',
    expected: 'numeric',
    impact: 'numeric',
    max_impact: 'numeric',
    impact_percent: 'double precision?',
    days: 'jsonb',
    status: 'text',
    status_note: 'text?',
    status_changed_at: 'timestamptz?',
    status_changed_by: 'text?',
    detected_at: 'timestamptz',
    updated_at: 'timestamptz',
  },
);
