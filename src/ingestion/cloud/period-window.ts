import { periodBounds } from '../../sources/restatement-window.js';
import { FocusCells } from './cloud-fetcher.js';

/**
 * The days of a billing period a provider can answer for now: `[start, end)` as `YYYY-MM-DD`,
 * the end cut to tomorrow for the current month. A period that has not started is an error.
 */
export function queryWindow(period: string, now: Date): { start: string; end: string } {
  const { start, end } = periodBounds(period);
  const tomorrow = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1))
    .toISOString()
    .slice(0, 10);
  if (start >= tomorrow) throw new Error(`billing period ${period} has not started yet`);
  return { start, end: end < tomorrow ? end : tomorrow };
}

/** ChargePeriodStart/End cells of one UTC day (`YYYY-MM-DD`). */
export function dayCells(day: string): FocusCells {
  const start = `${day}T00:00:00Z`;
  const end = new Date(Date.parse(start) + 86_400_000).toISOString().replace('.000', '');
  return { ChargePeriodStart: start, ChargePeriodEnd: end };
}

/** BillingPeriodStart/End cells of a period (`YYYY-MM`). */
export function billingPeriodCells(period: string): FocusCells {
  const { start, end } = periodBounds(period);
  return { BillingPeriodStart: `${start}T00:00:00Z`, BillingPeriodEnd: `${end}T00:00:00Z` };
}
