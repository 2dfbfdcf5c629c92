import { tableEntity } from '../database/entity-columns.js';

/** business_metric (migration 007): one value per metric, granularity, day, team and product. */
export const BusinessMetricSchema = tableEntity(
  'business_metric',
  { id: 'identity' },
  {
    metric: 'text',
    granularity: 'text',
    day: 'date',
    team: 'text?',
    product: 'text?',
    value: 'numeric',
    unit: 'text?',
    origin: 'text',
    loaded_by: 'text',
    loaded_at: 'timestamptz',
  },
);
