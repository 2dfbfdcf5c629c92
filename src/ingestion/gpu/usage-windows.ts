/** One import run's hours: `[from, to)` inside one billing period. */
export interface UsageWindow {
  period: string;
  from: Date;
  to: Date;
}

const nextMonth = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));

/**
 * The windows a run imports, cut at month boundaries (one run per billing period): the given
 * period up to the last completed hour, or the `lookbackHours` before `closedHour`.
 */
export function usageWindows(
  closedHour: Date,
  lookbackHours: number,
  period?: string,
): UsageWindow[] {
  let from: Date;
  let to: Date;
  if (period) {
    from = new Date(`${period}-01T00:00:00Z`);
    to = new Date(Math.min(nextMonth(from).getTime(), closedHour.getTime()));
  } else {
    from = new Date(closedHour.getTime() - lookbackHours * 3_600_000);
    to = closedHour;
  }
  const windows: UsageWindow[] = [];
  for (let start = from; start < to; start = nextMonth(start)) {
    const end = new Date(Math.min(nextMonth(start).getTime(), to.getTime()));
    windows.push({ period: start.toISOString().slice(0, 7), from: start, to: end });
  }
  return windows;
}
