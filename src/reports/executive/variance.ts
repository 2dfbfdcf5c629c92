import type { DataSource } from 'typeorm';
import { EFFECTIVE_SQL } from '../../allocation/allocation-sql.js';
import { D, Dec } from '../../gpu/gpu-cost-split.js';
import { cents } from '../../billing/money.js';

/** How much of the change in spend came from using more, paying more per unit, or discounts. */
export interface VarianceSplit {
  total: string;
  /** Quantity changed at last month's effective unit price (new and stopped items included). */
  volume: string;
  /** List price per unit changed (at this month's quantity and last month's discount). */
  price: string;
  /** The discount off list changed: commitments covering more or less of the usage. */
  commitment: string;
  /** Items without list prices or quantities: their change, not split. */
  unsplit: string;
  /** The items that moved most, with their split. */
  top: { item: string; total: string; volume: string; price: string; commitment: string }[];
}

interface Row {
  item: string;
  q0: string;
  c0: string;
  l0: string;
  q1: string;
  c1: string;
  l1: string;
}

/**
 * Splits the change in effective cost between two months per item (service, SKU or charge
 * description, pricing unit). With p = effective unit price, L = list unit price and
 * d = 1 - p / L the discount: volume = (q1 - q0) p0; price = (L1 - L0)(1 - d0) q1;
 * commitment = L1 (d0 - d1) q1. The three add up to the item's change exactly when the item
 * has quantities and list costs in both months; new and stopped items are all volume; items
 * without quantities or list costs are reported unsplit. Commitment purchases are left out.
 */
export async function varianceSplit(
  ds: DataSource,
  period: string,
  previous: string,
): Promise<VarianceSplit> {
  const rows = (await ds.query(
    `SELECT concat_ws(' / ', service_name, coalesce(sku_id, charge_description), pricing_unit) AS item,
            coalesce(sum(pricing_quantity) FILTER (WHERE billing_period = $2), 0)::text AS q0,
            coalesce(sum(${EFFECTIVE_SQL}) FILTER (WHERE billing_period = $2), 0)::text AS c0,
            coalesce(sum(list_cost) FILTER (WHERE billing_period = $2), 0)::text AS l0,
            coalesce(sum(pricing_quantity) FILTER (WHERE billing_period = $1), 0)::text AS q1,
            coalesce(sum(${EFFECTIVE_SQL}) FILTER (WHERE billing_period = $1), 0)::text AS c1,
            coalesce(sum(list_cost) FILTER (WHERE billing_period = $1), 0)::text AS l1
       FROM cost_record WHERE billing_period IN ($1, $2)
      GROUP BY 1`,
    [`${period}-01`, `${previous}-01`],
  )) as Row[];
  const sum = { volume: new D(0), price: new D(0), commitment: new D(0), unsplit: new D(0) };
  const items: { item: string; total: Dec; volume: Dec; price: Dec; commitment: Dec }[] = [];
  for (const r of rows) {
    const [q0, c0, l0, q1, c1, l1] = [r.q0, r.c0, r.l0, r.q1, r.c1, r.l1].map((v) => new D(v)) as [
      Dec,
      Dec,
      Dec,
      Dec,
      Dec,
      Dec,
    ];
    const total = c1.minus(c0);
    if (total.isZero()) continue;
    let volume = new D(0);
    let price = new D(0);
    let commitment = new D(0);
    if (c0.isZero() || c1.isZero()) {
      volume = total; // started or stopped
    } else if (q0.gt(0) && q1.gt(0) && l0.gt(0) && l1.gt(0)) {
      const p0 = c0.div(q0);
      const L0 = l0.div(q0);
      const L1 = l1.div(q1);
      const d0 = D.sub(1, p0.div(L0));
      const d1 = D.sub(1, c1.div(q1).div(L1));
      volume = q1.minus(q0).times(p0);
      price = L1.minus(L0).times(D.sub(1, d0)).times(q1);
      commitment = L1.times(d0.minus(d1)).times(q1);
    } else {
      sum.unsplit = sum.unsplit.plus(total);
      continue;
    }
    sum.volume = sum.volume.plus(volume);
    sum.price = sum.price.plus(price);
    sum.commitment = sum.commitment.plus(commitment);
    items.push({ item: r.item, total, volume, price, commitment });
  }
  items.sort((a, b) => b.total.abs().cmp(a.total.abs()));
  const total = sum.volume.plus(sum.price).plus(sum.commitment).plus(sum.unsplit);
  return {
    total: cents(total.toString()),
    volume: cents(sum.volume.toString()),
    price: cents(sum.price.toString()),
    commitment: cents(sum.commitment.toString()),
    unsplit: cents(sum.unsplit.toString()),
    top: items.slice(0, 5).map((i) => ({
      item: i.item,
      total: cents(i.total.toString()),
      volume: cents(i.volume.toString()),
      price: cents(i.price.toString()),
      commitment: cents(i.commitment.toString()),
    })),
  };
}
