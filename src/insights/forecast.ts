import { median } from './median.js';

/**
 * Daily spend forecasting with weekday seasonality (issue 8). Method, for a daily series x:
 * 1. Weekday factors: over the last `seasonWeeks` weeks, each day's ratio to the centered 7-day
 *    mean around it, the median per weekday, normalized to mean 1.
 * 2. Deseasonalized series y = x / factor(weekday).
 * 3. A least-squares line through the last `fitDays` days of y, with values beyond 3 robust
 *    standard deviations of the median pulled back (one anomalous day must not tilt it): its
 *    end value is the level, its slope the trend.
 * 4. Forecast for day h ahead: (level + trend x (phi + phi^2 + ... + phi^h)) x factor(weekday):
 *    the trend damped by phi a day, so three months ahead do not run away on a passing slope.
 * Spend never goes below 0. Amounts are numbers here (a model, not bookkeeping); callers round
 * the totals they show to cents.
 */
export interface ForecastOptions {
  seasonWeeks: number;
  fitDays: number;
  phi: number;
}

export const FORECAST_DEFAULTS: ForecastOptions = { seasonWeeks: 8, fitDays: 56, phi: 0.995 };

export interface DailyPoint {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  cost: number;
}

const DAY = 86_400_000;
const weekday = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay();
export const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

/**
 * Weekday factors (index 0 = Sunday): each day's ratio to the centered 7-day mean around it (so
 * a trend does not leak into the factors), the median per weekday over the last `weeks` weeks,
 * normalized to mean 1. A weekday with no usable history gets 1.
 */
export function weekdayFactors(series: readonly DailyPoint[], weeks: number): number[] {
  const ratios: number[][] = Array.from({ length: 7 }, () => []);
  const last = series.length - 4; // the last day with three days after it
  for (let t = Math.max(3, last - weeks * 7 + 1); t <= last; t++) {
    const around = series.slice(t - 3, t + 4).reduce((s, p) => s + p.cost, 0) / 7;
    if (around > 0) ratios[weekday(series[t]!.day)]!.push(series[t]!.cost / around);
  }
  // The median per weekday: one anomalous Friday does not make every Friday dearer.
  const raw = ratios.map((r) => (r.length ? median(r) : 1));
  const norm = raw.reduce((s, v) => s + v, 0) / 7;
  return raw.map((v) => (norm > 0 ? v / norm : 1));
}

export interface Forecast {
  /** Forecast days after the last day of history. */
  days: DailyPoint[];
  factors: number[];
}

/** The next `horizon` days after the series (which must be consecutive days). */
export function forecastDaily(
  series: readonly DailyPoint[],
  horizon: number,
  options: ForecastOptions = FORECAST_DEFAULTS,
): Forecast {
  if (series.length === 0) return { days: [], factors: Array<number>(7).fill(1) };
  const factors = weekdayFactors(series, options.seasonWeeks);
  const y = clipOutliers(
    series.slice(-options.fitDays).map((p) => p.cost / factors[weekday(p.day)]!),
  );
  const n = y.length;
  const tMean = (n - 1) / 2;
  const yMean = mean(y);
  let num = 0;
  let den = 0;
  y.forEach((v, t) => {
    num += (t - tMean) * (v - yMean);
    den += (t - tMean) ** 2;
  });
  const trend = den > 0 ? num / den : 0;
  const level = yMean + trend * (n - 1 - tMean);
  const last = series[series.length - 1]!.day;
  const days: DailyPoint[] = [];
  let damp = 0;
  for (let h = 1; h <= horizon; h++) {
    damp += options.phi ** h;
    const day = addDays(last, h);
    days.push({ day, cost: Math.max(0, (level + trend * damp) * factors[weekday(day)]!) });
  }
  return { days, factors };
}

/** Values beyond 3 robust standard deviations (1.4826 x MAD) of the median, pulled back to it. */
function clipOutliers(v: number[]): number[] {
  const med = median(v);
  const spread = 3 * 1.4826 * median(v.map((x) => Math.abs(x - med)));
  return v.map((x) => Math.min(med + spread, Math.max(med - spread, x)));
}

function mean(v: readonly number[]): number {
  return v.length ? v.reduce((s, x) => s + x, 0) / v.length : 0;
}

/**
 * Rolling-origin backtest of month totals: for each whole month after the first `minDays` of
 * history, forecast the month from the day before it starts and compare with what was spent.
 * Returns the mean absolute percentage error over those months (and each month's).
 */
export function backtestMonths(
  series: readonly DailyPoint[],
  minDays = 56,
  options: ForecastOptions = FORECAST_DEFAULTS,
): { mape: number; months: { month: string; actual: number; forecast: number; error: number }[] } {
  const months: { month: string; actual: number; forecast: number; error: number }[] = [];
  for (let i = minDays; i < series.length; i++) {
    const day = series[i]!.day;
    if (!day.endsWith('-01')) continue;
    const month = day.slice(0, 7);
    const inMonth = series.slice(i).filter((p) => p.day.startsWith(month));
    const next = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1));
    const length = (next.getTime() - Date.parse(`${day}T00:00:00Z`)) / DAY;
    if (inMonth.length < length) break; // the month is not complete
    const f = forecastDaily(series.slice(0, i), length, options);
    const actual = inMonth.reduce((s, p) => s + p.cost, 0);
    const forecast = f.days.reduce((s, p) => s + p.cost, 0);
    months.push({
      month,
      actual,
      forecast,
      error: actual > 0 ? Math.abs(forecast - actual) / actual : 0,
    });
  }
  return { mape: mean(months.map((m) => m.error)), months };
}
