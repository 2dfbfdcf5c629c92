import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../src/ingestion/gpu/seeded-random.js';
import { detectAnomalies, expectedSpend } from '../../src/insights/anomalies.js';
import {
  addDays,
  backtestMonths,
  DailyPoint,
  forecastDaily,
  weekdayFactors,
} from '../../src/insights/forecast.js';

/** Weekdays cost 1.2x, weekends 0.5x a level growing `slope` a day; noise +-`noise` of it. */
function generated(days: number, slope: number, noise: number, seed = 1): DailyPoint[] {
  const r = seededRandom(seed);
  return Array.from({ length: days }, (_, t) => {
    const day = addDays('2024-01-01', t);
    const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
    const factor = dow === 0 || dow === 6 ? 0.5 : 1.2;
    const level = 100 + slope * t;
    return { day, cost: level * factor * (1 + (r() - 0.5) * 2 * noise) };
  });
}

describe('forecast with weekday seasonality', () => {
  it('recovers the weekday pattern and continues a clean trend within 1 %', () => {
    const history = generated(120, 0.5, 0);
    const factors = weekdayFactors(history, 8);
    // Mean of (2 x 0.5 + 5 x 1.2) / 7 = 1: factors 0.5 and 1.2 exactly.
    assert.ok(
      Math.abs(factors[0]! - 0.5) < 0.01 && Math.abs(factors[3]! - 1.2) < 0.01,
      `${factors}`,
    );
    const truth = generated(150, 0.5, 0).slice(120);
    const f = forecastDaily(history, 30);
    assert.equal(f.days[0]!.day, truth[0]!.day);
    for (let i = 0; i < 30; i++) {
      const err = Math.abs(f.days[i]!.cost - truth[i]!.cost) / truth[i]!.cost;
      assert.ok(err < 0.01, `day ${i}: ${f.days[i]!.cost} vs ${truth[i]!.cost}`);
    }
  });

  it('backtests month totals of a noisy year to a small error', () => {
    const year = generated(366, 0.2, 0.1, 7);
    const { mape, months } = backtestMonths(year);
    assert.equal(months.length, 10); // March to December 2024, each forecast from the day before
    assert.ok(mape < 0.03, `MAPE ${mape}`);
    const flat = backtestMonths(generated(366, 0, 0, 7));
    assert.ok(flat.mape < 0.001, `a clean series: ${flat.mape}`);
  });

  it('never forecasts negative spend, and nothing from no history', () => {
    const falling = Array.from({ length: 60 }, (_, t) => ({
      day: addDays('2024-01-01', t),
      cost: Math.max(0, 600 - 10 * t),
    }));
    assert.ok(forecastDaily(falling, 90).days.every((d) => d.cost >= 0));
    assert.deepEqual(forecastDaily([], 10).days, []);
  });
});

describe('anomaly detection', () => {
  const base = generated(120, 0, 0.03, 3);
  const spiked = base.map((p, t) => ({
    ...p,
    cost: p.cost + (t === 90 ? 80 : t === 100 || t === 101 ? 200 : t === 110 ? 30 : 0),
  }));

  it('finds exactly the injected spikes, merging consecutive days, and skips small ones', () => {
    const found = detectAnomalies(spiked);
    assert.deepEqual(
      found.map((a) => [a.start, a.end, a.days.length]),
      [
        [base[90]!.day, base[90]!.day, 1],
        [base[100]!.day, base[101]!.day, 2],
      ],
      'the +30 day is under the 50 minimum impact',
    );
    const two = found[1]!;
    assert.ok(Math.abs(two.impact - 400) < 25, `impact ${two.impact}`);
    assert.equal(two.maxImpact, Math.max(...two.days.map((d) => d.impact)));
    assert.ok(two.impactPercent! > 0.8);
    assert.deepEqual(detectAnomalies(base), [], 'no false alarm on noise');
  });

  it('expects the same weekday, so weekends are not anomalies against weekdays', () => {
    const e = expectedSpend(base, 4);
    assert.equal(e[13], undefined, 'two weeks of history needed');
    const saturday = base.findIndex(
      (p, t) => t > 30 && new Date(`${p.day}T00:00:00Z`).getUTCDay() === 6,
    );
    assert.ok(Math.abs(e[saturday]! - 50) < 3);
  });

  it('reports a new series (nothing expected) once it exceeds the minimum impact', () => {
    const fresh = Array.from({ length: 40 }, (_, t) => ({
      day: addDays('2024-03-01', t),
      cost: t >= 35 ? 75 : 0,
    }));
    const [a] = detectAnomalies(fresh);
    assert.equal(a!.start, fresh[35]!.day);
    assert.equal(a!.impactPercent, null);
  });
});
