/** A billing period `YYYY-MM` as its UTC range `[from, to)`. */
export function periodRange(period: string): { from: Date; to: Date } {
  const from = new Date(`${period}-01T00:00:00Z`);
  return { from, to: new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1)) };
}

/** The period `months` after (or, negative, before) `period`. */
export function shiftPeriod(period: string, months: number): string {
  const d = new Date(`${period}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 7);
}

/** The billing periods that can be real, `YYYY-MM` inclusive at both ends. */
export interface PeriodBounds {
  first: string;
  last: string;
}

/**
 * Billing periods this service takes as real on `today`: January 2000 (before any cloud bill)
 * to December two years ahead (committed-spend plans are invoiced ahead, never decades ahead).
 * A year 0001 or 2204 period is a typo or a broken export, and would create a partition for it.
 */
export function plausiblePeriods(today: Date): PeriodBounds {
  return { first: '2000-01', last: `${today.getUTCFullYear() + 2}-12` };
}

/** `YYYY-MM` strings of four-digit years order like the months they name. */
export function inPeriodBounds(period: string, bounds: PeriodBounds): boolean {
  return period >= bounds.first && period <= bounds.last;
}
