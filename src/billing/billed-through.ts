import type { DataSource } from 'typeorm';

/**
 * Where the billed data ends: the latest ChargePeriodEnd, or `now` if that is earlier (billing
 * lags; analyses look back from here). Null when nothing has been imported.
 */
export async function billedThrough(ds: DataSource, now: Date): Promise<Date | null> {
  const [row] = (await ds.query(`SELECT max(charge_period_end) AS last FROM cost_record`)) as {
    last: Date | null;
  }[];
  return row?.last ? new Date(Math.min(now.getTime(), row.last.getTime())) : null;
}
