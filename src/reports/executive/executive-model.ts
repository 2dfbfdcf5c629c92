import type { SourceFreshness } from '../../allocation/allocation-snapshots.js';
import type { UnitCost } from '../../allocation/unit-costs.js';
import { cents } from '../../billing/money.js';
import { D } from '../../gpu/gpu-cost-split.js';
import type { AnomalyView } from '../../insights/insights.service.js';
import type { VarianceSplit } from './variance.js';

/** A change from the previous period: amount and percent (null when there was nothing before). */
export interface Change {
  current: string;
  previous: string;
  delta: string;
  percent: string | null;
}

export interface Mover extends Change {
  key: string;
}

/** Everything the monthly executive report shows; money as decimal strings with cents. */
export interface ExecutiveReport {
  period: string;
  generatedAt: string;
  currency: string | null;
  headline: {
    effective: Change;
    billed: string;
    /** The month's forecast from the history before it, and the actual's difference from it. */
    forecast: string | null;
    vsForecastPercent: string | null;
    gpuSpend: string | null;
    gpuIdle: string | null;
    openSavings: string;
    realizedSavings: string;
    anomalies: number;
  };
  /** Effective cost of the twelve months up to the period. */
  trend: { month: string; effective: string }[];
  businessUnits: Mover[];
  teams: (Mover & { businessUnit: string | null })[];
  /** The largest moves against the previous month. */
  movers: { teams: Mover[]; services: Mover[]; providers: Mover[] };
  /** The change split into volume, list price and commitment (discount) effects. */
  variance: VarianceSplit;
  unitCosts: UnitCost[];
  gpu: {
    spend: string;
    used: string;
    idle: string;
    gpuHours: string;
    utilization: number | null;
  } | null;
  recommendations: {
    open: {
      count: number;
      monthlySavings: string;
      top: { title: string; team: string | null; saving: string | null; kind: string }[];
    };
    realized: { count: number; monthlySavings: string };
  };
  anomalies: AnomalyView[];
  freshness: SourceFreshness[];
}

export function change(current: string, previous: string): Change {
  const c = new D(current);
  const p = new D(previous);
  return {
    current: cents(current),
    previous: cents(previous),
    delta: cents(c.minus(p).toString()),
    percent: p.isZero() ? null : c.minus(p).div(p).times(100).toDecimalPlaces(1).toFixed(1),
  };
}

/** Keys of both periods with their change, largest absolute move first. */
export function movers(
  current: ReadonlyMap<string, string>,
  previous: ReadonlyMap<string, string>,
  limit = Infinity,
): Mover[] {
  const keys = new Set([...current.keys(), ...previous.keys()]);
  return [...keys]
    .map((key) => ({ key, ...change(current.get(key) ?? '0', previous.get(key) ?? '0') }))
    .sort((a, b) => new D(b.delta).abs().cmp(new D(a.delta).abs()) || a.key.localeCompare(b.key))
    .slice(0, limit);
}
