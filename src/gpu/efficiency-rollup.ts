import { largestRemainder } from '../billing/largest-remainder.js';
import { D, Dec, OwnerSplit } from './gpu-cost-split.js';

export const GPU_GROUP_BY = ['team', 'cluster', 'model', 'namespace'] as const;
export type GpuGroupBy = (typeof GPU_GROUP_BY)[number];

/** Whose a slice of GPU cost is, for grouping. */
export interface Attribution {
  team: string | null;
  cluster: string | null;
  model: string | null;
  namespace: string | null;
}

export interface EfficiencyGroup {
  key: string | null;
  gpuHours: string;
  busyGpuHours: string;
  effectiveCost: string;
  usedCost: string;
  idleCost: string;
  /** Busy GPU-hours / held GPU-hours (0–100). */
  avgUtilization: number | null;
  /** 95th percentile of the hourly utilization of the group's GPU-hours (0–100). */
  p95Utilization: number | null;
  costPerGpuHour: string | null;
  costPerUsedGpuHour: string | null;
}

interface Acc {
  gpuHours: number;
  busyGpuHours: number;
  used: Dec;
  idle: Dec;
  hourly: number[];
}

/** Adds GPU-hour splits into per-group totals. Money stays exact; hours are doubles. */
export class EfficiencyRollup {
  private readonly groups = new Map<string | null, Acc>();

  constructor(private readonly groupBy: GpuGroupBy | null) {}

  private acc(who: Attribution): Acc {
    const key = this.groupBy ? who[this.groupBy] : null;
    let acc = this.groups.get(key);
    if (!acc) {
      acc = { gpuHours: 0, busyGpuHours: 0, used: new D(0), idle: new D(0), hourly: [] };
      this.groups.set(key, acc);
    }
    return acc;
  }

  addOwner(who: Attribution, split: OwnerSplit<unknown>): void {
    const acc = this.acc(who);
    acc.gpuHours += split.gpuHours;
    acc.busyGpuHours += split.busyGpuHours;
    acc.used = acc.used.plus(split.used);
    acc.idle = acc.idle.plus(split.idle);
    if (split.gpuHours > 0) acc.hourly.push(split.busyGpuHours / split.gpuHours);
  }

  /** Capacity nobody held: counts as GPU-hours of the node and as idle cost. */
  addUnallocated(who: Attribution, gpuHours: number, idle: Dec): void {
    const acc = this.acc(who);
    acc.gpuHours += gpuHours;
    acc.idle = acc.idle.plus(idle);
    if (gpuHours > 0) acc.hourly.push(0);
  }

  /**
   * Per-group views, largest cost first, and the total. Cents are rounded by largest remainder
   * so the groups' costs add up to the total, and each group's used + idle to its cost.
   */
  result(): { groups: EfficiencyGroup[]; total: EfficiencyGroup } {
    const entries = [...this.groups.entries()].sort((a, b) =>
      b[1].used.plus(b[1].idle).cmp(a[1].used.plus(a[1].idle)),
    );
    const costs = largestRemainder(entries.map(([, a]) => a.used.plus(a.idle)));
    const groups = entries.map(([key, acc], i) => view(key, acc, costs[i]!));
    const all: Acc = { gpuHours: 0, busyGpuHours: 0, used: new D(0), idle: new D(0), hourly: [] };
    for (const acc of this.groups.values()) {
      all.gpuHours += acc.gpuHours;
      all.busyGpuHours += acc.busyGpuHours;
      all.used = all.used.plus(acc.used);
      all.idle = all.idle.plus(acc.idle);
      for (const h of acc.hourly) all.hourly.push(h);
    }
    return { groups, total: view('total', all, all.used.plus(all.idle).toDecimalPlaces(2)) };
  }
}

const money = (d: Dec) => d.toFixed(2);
const hours = (h: number) => h.toFixed(2);

function view(key: string | null, acc: Acc, rounded: Dec): EfficiencyGroup {
  const cost = acc.used.plus(acc.idle);
  const [used, idle] = largestRemainder([acc.used, acc.idle]);
  // The pair is rounded on its own; if it lands a cent off the group's share, idle absorbs it.
  const idleShown = idle!.plus(rounded.minus(used!.plus(idle!)));
  const sorted = Float64Array.from(acc.hourly).sort();
  return {
    key,
    gpuHours: hours(acc.gpuHours),
    busyGpuHours: hours(acc.busyGpuHours),
    effectiveCost: money(rounded),
    usedCost: money(used!),
    idleCost: money(idleShown),
    avgUtilization: acc.gpuHours > 0 ? round1((acc.busyGpuHours / acc.gpuHours) * 100) : null,
    p95Utilization:
      sorted.length > 0 ? round1(sorted[Math.ceil(0.95 * sorted.length) - 1]! * 100) : null,
    costPerGpuHour: acc.gpuHours > 0 ? money(cost.div(acc.gpuHours)) : null,
    costPerUsedGpuHour: acc.busyGpuHours > 0 ? money(cost.div(acc.busyGpuHours)) : null,
  };
}

const round1 = (v: number) => Math.round(v * 10) / 10;
