import { tableEntity } from '../database/entity-columns.js';

/** period_close (migration 008): a closed period, with the rule set and source totals it froze. */
export const PeriodCloseSchema = tableEntity(
  'period_close',
  { period: 'date' },
  {
    rule_set_version: 'text',
    rule_set_effective_from: 'text',
    rule_set_origin: 'text',
    currency: 'text?',
    source_effective: 'numeric',
    source_billed: 'numeric',
    source_lines: 'integer',
    source_accounts: 'jsonb',
    freshness: 'jsonb',
    closed_by: 'text',
    closed_at: 'timestamptz',
  },
);

/** allocation_result (migration 008): the frozen allocation lines of closed periods. */
export const AllocationResultSchema = tableEntity(
  'allocation_result',
  { id: 'identity' },
  {
    period: 'date',
    restates: 'date?',
    team: 'text',
    product: 'text?',
    environment: 'text?',
    kind: 'text',
    source: 'text',
    method: 'text?',
    basis: 'text?',
    weight: 'numeric?',
    weight_total: 'numeric?',
    provider: 'text?',
    billing_account_id: 'text?',
    billing_account_name: 'text?',
    sub_account_id: 'text?',
    sub_account_name: 'text?',
    service_name: 'text?',
    service_category: 'text?',
    effective: 'numeric',
    billed: 'numeric',
    lines: 'integer',
  },
);
