import type { DailyPoint } from './forecast.js';
import { median } from './median.js';

/**
 * Cost anomalies in a daily series (issue 8), a robust method that respects weekly patterns:
 * - expected spend E_t: the median of the same weekday in the previous `baselineWeeks` weeks
 *   (at least two of them known);
 * - scale sigma_t: 1.4826 x the median absolute deviation of the residuals x - E over the
 *   previous `scaleDays` days (a robust standard deviation);
 * - a day is anomalous when its excess x - E is above k x sigma, at least `minImpact` in money,
 *   and at least `minPercent` of E (a series new this week, E = 0, needs only the money);
 * - consecutive anomalous days form one anomaly, with total and largest impact as AWS Cost
 *   Anomaly Detection reports them.
 * Only increases are anomalies (a drop in spend is not a cost risk).
 */
export interface AnomalyOptions {
  k: number;
  minImpact: number;
  minPercent: number;
  baselineWeeks: number;
  scaleDays: number;
}

export const ANOMALY_DEFAULTS: AnomalyOptions = {
  k: 3,
  minImpact: 50,
  minPercent: 0.2,
  baselineWeeks: 4,
  scaleDays: 28,
};

export interface AnomalyDay {
  day: string;
  actual: number;
  expected: number;
  impact: number;
}

export interface Anomaly {
  start: string;
  end: string;
  days: AnomalyDay[];
  actual: number;
  expected: number;
  /** Total impact: actual - expected over the anomaly's days. */
  impact: number;
  maxImpact: number;
  /** Impact as a share of expected; null when nothing was expected (a new series). */
  impactPercent: number | null;
}

/** Expected spend per day (undefined where too little history). */
export function expectedSpend(
  series: readonly DailyPoint[],
  weeks: number,
): (number | undefined)[] {
  return series.map((_, t) => {
    const same: number[] = [];
    for (let w = 1; w <= weeks; w++) if (t - 7 * w >= 0) same.push(series[t - 7 * w]!.cost);
    return same.length >= 2 ? median(same) : undefined;
  });
}

export function detectAnomalies(
  series: readonly DailyPoint[],
  options: AnomalyOptions = ANOMALY_DEFAULTS,
): Anomaly[] {
  const expected = expectedSpend(series, options.baselineWeeks);
  const residuals = series.map((p, t) =>
    expected[t] === undefined ? undefined : p.cost - expected[t]!,
  );
  const flagged: (AnomalyDay | null)[] = series.map((p, t) => {
    const e = expected[t];
    if (e === undefined) return null;
    const window = residuals
      .slice(Math.max(0, t - options.scaleDays), t)
      .filter((r): r is number => r !== undefined);
    const sigma =
      window.length >= 7 ? 1.4826 * median(window.map((r) => Math.abs(r - median(window)))) : 0;
    const impact = p.cost - e;
    const anomalous =
      impact > options.k * sigma &&
      impact >= options.minImpact &&
      (e <= 0 || impact / e >= options.minPercent);
    return anomalous ? { day: p.day, actual: p.cost, expected: e, impact } : null;
  });
  const out: Anomaly[] = [];
  let run: AnomalyDay[] = [];
  const close = () => {
    if (run.length === 0) return;
    const actual = run.reduce((s, d) => s + d.actual, 0);
    const exp = run.reduce((s, d) => s + d.expected, 0);
    out.push({
      start: run[0]!.day,
      end: run[run.length - 1]!.day,
      days: run,
      actual,
      expected: exp,
      impact: actual - exp,
      maxImpact: Math.max(...run.map((d) => d.impact)),
      impactPercent: exp > 0 ? (actual - exp) / exp : null,
    });
    run = [];
  };
  for (const f of flagged) {
    if (f) run.push(f);
    else close();
  }
  close();
  return out;
}
