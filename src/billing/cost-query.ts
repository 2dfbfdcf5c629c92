import { z } from 'zod';
import { inPeriodBounds, plausiblePeriods } from './billing-period.js';

export const GROUP_BY_DIMENSIONS = [
  'provider',
  'service',
  'service-category',
  'sub-account',
  'region',
  'charge-category',
] as const;

/** `YYYY-MM`, a calendar month within the plausible billing periods (as of the request). */
export const periodSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM')
  .superRefine((period, ctx) => {
    const bounds = plausiblePeriods(new Date());
    if (!inPeriodBounds(period, bounds)) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a billing period from ${bounds.first} to ${bounds.last}`,
      });
    }
  });

export const groupBySchema = z.union([
  z.enum(GROUP_BY_DIMENSIONS),
  z.string().regex(/^tag:.+$/, 'must be one of ' + GROUP_BY_DIMENSIONS.join(', ') + ' or tag:KEY'),
]);

export const basisSchema = z.enum(['effective', 'billed']);

export type GroupBy = z.infer<typeof groupBySchema>;
export type CostBasis = z.infer<typeof basisSchema>;

export interface CostGroup {
  /** The group's value; null when the rows have none (no tag, no region...). */
  key: string | null;
  currency: string;
  cost: string;
  rows: number;
}

export interface CostReport {
  period: string;
  basis: CostBasis;
  groupBy: GroupBy | null;
  /**
   * `source`: the imported cost lines as billed. `allocated`: the caller's teams' allocated cost
   * (direct, shared and adjustments), which is what a lead sees; it has no tag, region or charge
   * category grouping and `rows` counts source lines of direct amounts only.
   */
  view: 'source' | 'allocated';
  /** One total per billing currency: amounts in different currencies are never added. */
  totals: { currency: string; cost: string; rows: number }[];
  groups: CostGroup[];
}

/** SQL expression for each dimension (column names are constants, never user input). */
export const GROUP_EXPRESSIONS: Record<(typeof GROUP_BY_DIMENSIONS)[number], string> = {
  provider: 'coalesce(service_provider_name, provider_name)',
  service: 'service_name',
  'service-category': 'service_category',
  'sub-account': 'sub_account_id',
  region: 'region_id',
  'charge-category': 'charge_category',
};
