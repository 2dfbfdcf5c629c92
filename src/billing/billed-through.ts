import type { DataSource } from 'typeorm';

/**
 * Where the billed data ends: the end of the latest usage charge (FOCUS ChargeCategory 'Usage')
 * that is not after `now`. Purchases, credits and taxes do not count: a one-year commitment is
 * one Purchase line whose ChargePeriodEnd is a year ahead, and it says nothing about how far
 * usage has been billed. Analyses look back from here. Null when no usage has been billed.
 */
export async function billedThrough(ds: DataSource, now: Date): Promise<Date | null> {
  const [row] = (await ds.query(
    `SELECT max(charge_period_end) AS last FROM cost_record
      WHERE charge_category = 'Usage' AND charge_period_end <= $1`,
    [now],
  )) as { last: Date | null }[];
  return row?.last ?? null;
}
