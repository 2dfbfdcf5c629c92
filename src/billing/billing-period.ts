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
