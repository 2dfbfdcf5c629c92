import { Decimal } from 'decimal.js';

/**
 * Rounds amounts to `places` so that the rounded parts add up to the rounded total: each part is
 * rounded down, and the units still missing go to the parts with the largest remainders
 * (ties: the larger amount first, then input order). Display only; stored amounts stay exact.
 */
export function largestRemainder(values: readonly Decimal.Value[], places = 2): Decimal[] {
  const exact = values.map((v) => new Decimal(v));
  const unit = new Decimal(10).pow(-places);
  const target = exact.reduce((s, v) => s.plus(v), new Decimal(0)).toDecimalPlaces(places);
  const floors = exact.map((v) => v.toDecimalPlaces(places, Decimal.ROUND_FLOOR));
  let missing = target
    .minus(floors.reduce((s, v) => s.plus(v), new Decimal(0)))
    .div(unit)
    .toNumber();
  const order = exact
    .map((v, i) => ({ i, rem: v.minus(floors[i]!), v }))
    .sort((a, b) => b.rem.cmp(a.rem) || b.v.cmp(a.v) || a.i - b.i);
  for (const { i } of order) {
    if (missing <= 0) break;
    floors[i] = floors[i]!.plus(unit);
    missing--;
  }
  return floors;
}
