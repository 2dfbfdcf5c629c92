import { shiftPeriod } from '../billing/billing-period.js';

/**
 * Which billing periods a scheduled run re-imports. Providers restate recent data for days after
 * a month ends, so a run always takes the current month, and also the previous month until
 * `restatementDays` days after it ended. Pure: `now` is passed in. Periods as `YYYY-MM`.
 */
export function periodsToImport(now: Date, restatementDays: number): string[] {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const current = fmt(year, month);
  const monthStart = Date.UTC(year, month, 1);
  const daysIntoMonth = (now.getTime() - monthStart) / 86_400_000;
  return daysIntoMonth < restatementDays ? [fmt(year, month - 1), current] : [current];
}

function fmt(year: number, month: number): string {
  const d = new Date(Date.UTC(year, month, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** `[start, end)` of a billing period as ISO dates (`YYYY-MM-DD`), end exclusive. */
export function periodBounds(period: string): { start: string; end: string } {
  return { start: `${period}-01`, end: `${shiftPeriod(period, 1)}-01` };
}
