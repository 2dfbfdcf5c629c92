import { tableEntity } from '../database/entity-columns.js';

/** instance_price (migration 010): list prices from the price APIs, per provider and region. */
export const InstancePriceSchema = tableEntity(
  'instance_price',
  { provider: 'text', region: 'text', instance_type: 'text' },
  {
    on_demand_hourly: 'numeric',
    spot_hourly: 'numeric?',
    source: 'text',
    fetched_at: 'timestamptz',
  },
);
