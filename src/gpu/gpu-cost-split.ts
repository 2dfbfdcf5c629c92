import { Decimal } from 'decimal.js';

/** Enough digits that an hour's parts of a cost never lose a cent over a year of hours. */
export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });
export type Dec = InstanceType<typeof D>;

/**
 * Parts are kept to 12 decimal places: far below a cent, and fixed-point, so adding them up is
 * exact and the remainder (unallocated idle) makes the parts sum to the cost to the last digit.
 */
const PLACES = 12;

/** Who used a GPU (or MIG slice) during the hour, and how much. */
export interface OwnerHour<O> {
  /** null: samples with no Kubernetes pod (a bare VM's own workload, or nobody). */
  owner: O | null;
  /** Share of the hour the owner held the unit (covered seconds / 3600), 0–1. */
  presence: number;
  /** Mean activity while present, 0–1 (GR engine active, or GPU util / 100). */
  activity: number;
}

/** A whole GPU (share 1) or one MIG slice (share = its compute slices / the GPU's). */
export interface UnitHour<O> {
  share: number;
  owners: OwnerHour<O>[];
}

export interface OwnerSplit<O> {
  owner: O | null;
  /** Cost of the time the unit was busy for this owner. */
  used: Dec;
  /** Cost of the time the owner held the unit without using it (allocated but idle). */
  idle: Dec;
  /** GPU-hours held (presence × share); for owner null, GPU-hours with activity only. */
  gpuHours: number;
  /** GPU-hours of activity (activity × presence × share). */
  busyGpuHours: number;
}

export interface GpuHourSplit<O> {
  owners: OwnerSplit<O>[];
  /** Cost of capacity nobody held: unpartitioned MIG space, hours without a pod, missing data. */
  unallocatedIdle: Dec;
}

const clamp01 = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);

/**
 * Splits one GPU's cost for one hour into used cost per owner, idle cost per owner (held but not
 * busy) and unallocated idle cost. A GPU with MIG is first split by each slice's share; slices
 * nobody reported, and a GPU with no data, are idle. Inside a unit, owners that overlap in time
 * (time-slicing) share it by their presence, and the busy time is split by each owner's share
 * of the activity when the reported activity adds up to more than the hour.
 *
 * Conservation: the parts always add up to `cost` exactly: unallocated idle is the remainder.
 */
export function splitGpuHour<O>(cost: Dec, units: readonly UnitHour<O>[]): GpuHourSplit<O> {
  const out = new Map<O | null, OwnerSplit<O>>();
  const shareSum = units.reduce((s, u) => s + clamp01(u.share), 0);
  const scale = shareSum > 1 ? 1 / shareSum : 1;
  for (const unit of units) {
    const share = clamp01(unit.share) * scale;
    const unitCost = cost.times(share);
    const owners = unit.owners.map((o) => ({
      o,
      presence: clamp01(o.presence),
      busy: clamp01(o.presence) * clamp01(o.activity),
    }));
    const held = owners.reduce((s, x) => s + (x.o.owner === null ? 0 : x.presence), 0);
    const busy = owners.reduce((s, x) => s + x.busy, 0);
    const busyScale = busy > 1 ? 1 / busy : 1;
    const heldScale = held > 1 ? 1 / held : 1;
    const parts = owners.map((x) => {
      const b = x.busy * busyScale;
      const h = x.o.owner === null ? 0 : x.presence * heldScale;
      return { x, busy: b, held: h, idle: Math.max(0, h - b) };
    });
    const room = Math.max(0, 1 - parts.reduce((s, p) => s + p.busy, 0));
    const idleSum = parts.reduce((s, p) => s + p.idle, 0);
    const idleScale = idleSum > room ? room / idleSum : 1;
    const amounts = parts.map((p) => ({
      p,
      used: unitCost.times(p.busy).toDecimalPlaces(PLACES),
      idle: unitCost.times(p.idle * idleScale).toDecimalPlaces(PLACES),
    }));
    trimFloatExcess(amounts, unitCost);
    for (const { p, used, idle } of amounts) {
      const entry = out.get(p.x.o.owner) ?? {
        owner: p.x.o.owner,
        used: new D(0),
        idle: new D(0),
        gpuHours: 0,
        busyGpuHours: 0,
      };
      entry.used = entry.used.plus(used);
      entry.idle = entry.idle.plus(idle);
      entry.gpuHours += (p.x.o.owner === null ? p.busy : p.held) * share;
      entry.busyGpuHours += p.busy * share;
      out.set(p.x.o.owner, entry);
    }
  }
  const owners = [...out.values()];
  trimFloatExcess(owners, cost);
  const kept = owners.reduce((s, o) => s.plus(o.used).plus(o.idle), new D(0));
  return { owners, unallocatedIdle: cost.minus(kept) };
}

/**
 * Fractions are doubles, so parts may add up to a hair over what they split (1 + 2⁻⁵² of it).
 * The excess comes off the largest part, so no part is negative and none exceeds the whole.
 */
function trimFloatExcess(amounts: { used: Dec; idle: Dec }[], limit: Dec): void {
  const total = amounts.reduce((s, a) => s.plus(a.used).plus(a.idle), new D(0));
  const excess = total.minus(limit);
  if (excess.lte(0) || amounts.length === 0) return;
  const largest = amounts.reduce((m, a) => (a.used.plus(a.idle).gt(m.used.plus(m.idle)) ? a : m));
  if (largest.used.gte(excess)) largest.used = largest.used.minus(excess);
  else largest.idle = largest.idle.minus(excess);
}
