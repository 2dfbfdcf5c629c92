export interface ProgressOut {
  isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * A single progress line rewritten in place (`\r`) on a terminal, at most every 250 ms and once
 * at the end (then cleared). Off the terminal (pipes, CI logs) it prints nothing.
 */
export function createProgressPrinter(
  label: string,
  out: ProgressOut,
  now: () => number = Date.now,
): ((p: { rows: number; fraction: number }) => void) | undefined {
  if (!out.isTTY) return undefined;
  const started = now();
  let shown = -Infinity;
  return ({ rows, fraction }) => {
    if (fraction < 1 && now() - shown < 250) return;
    shown = now();
    const rate = Math.round(rows / Math.max((shown - started) / 1000, 0.001));
    const pct = `${Math.floor(fraction * 100)}%`.padStart(4);
    out.write(
      `\r${label}: ${pct}  ${rows.toLocaleString('en-US')} rows  ${rate.toLocaleString('en-US')} rows/s\x1b[K`,
    );
    if (fraction >= 1) out.write('\r\x1b[K');
  };
}
