/**
 * Converts a wall-clock time without zone (as nvidia-smi writes it) in an IANA time zone to UTC.
 * Ambiguous times in the hour a DST change repeats resolve to the first occurrence.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Throws RangeError for a zone the runtime does not know. */
export function assertTimeZone(zone: string): void {
  formatter(zone);
}

/** Offset of `zone` from UTC at instant `utcMs`, in milliseconds (east positive). */
function offsetMs(utcMs: number, zone: string): number {
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(new Date(utcMs))
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  const asUtc = Date.UTC(
    parts['year']!,
    parts['month']! - 1,
    parts['day']!,
    parts['hour']!,
    parts['minute']!,
    parts['second']!,
  );
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** `wallMs` is the wall-clock reading written as if it were UTC (Date.UTC of its fields). */
export function wallClockToUtc(wallMs: number, zone: string): number {
  if (zone === 'UTC' || zone === 'Etc/UTC') return wallMs;
  const first = wallMs - offsetMs(wallMs, zone);
  const second = wallMs - offsetMs(first, zone);
  return Math.min(first, second);
}
