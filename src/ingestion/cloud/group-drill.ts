import { RequestBudgetError } from './cloud-fetcher.js';

/** A dimension fixed to one value by an earlier level. */
export interface DimValue {
  dim: string;
  value: string;
}

/** ` where A=x, B=(none)` for request descriptions in logs and errors; empty without filters. */
export function describeFilters(filters: readonly DimValue[]): string {
  return filters.length === 0
    ? ''
    : ` where ${filters.map((f) => `${f.dim}=${f.value || '(none)'}`).join(', ')}`;
}

export interface DrillQuery {
  filters: readonly DimValue[];
  groupBy: readonly string[];
}

/** One result group of a query: its key per grouped dimension, and whatever the caller keeps. */
export interface DrillGroup<R> {
  keys: readonly string[];
  row: R;
}

export interface DrillLeaf<R> {
  /** Every dimension of the drill, by name. */
  values: Readonly<Record<string, string>>;
  row: R;
}

/**
 * Splits dimensions into query levels for APIs that group by at most two dimensions per request
 * (Cost Explorer, Cost Management): the last two are the leaf query, the ones before are taken two
 * at a time. Each level is queried once per distinct combination found by the level above, filtered
 * to it, so the leaves carry every dimension exactly and their totals equal the unfiltered total.
 */
export function drillLevels(dims: readonly string[]): string[][] {
  const leaf = dims.slice(-2);
  const prefix = dims.slice(0, -2);
  const levels: string[][] = [];
  for (let i = 0; i < prefix.length; i += 2) levels.push(prefix.slice(i, i + 2));
  return [...levels, leaf];
}

/**
 * Runs the drill. `query` yields the groups of one request (following its pages); `budget` says
 * how many more requests may be made, checked before each level so a run never starts a level it
 * cannot finish.
 */
export async function* drill<R>(
  dims: readonly string[],
  query: (q: DrillQuery) => AsyncIterable<DrillGroup<R>>,
  budget: { remaining(): number; limit: number },
): AsyncIterable<DrillLeaf<R>> {
  const levels = drillLevels(dims);
  let prefixes: DimValue[][] = [[]];
  for (const [depth, groupBy] of levels.entries()) {
    if (prefixes.length > budget.remaining()) {
      throw new RequestBudgetError(
        budget.limit,
        `grouping by ${groupBy.join(', ')} needs ${prefixes.length} more requests (one per ${levels
          .slice(0, depth)
          .flat()
          .join(' × ')} combination)`,
      );
    }
    const leaf = depth === levels.length - 1;
    const next = new Map<string, DimValue[]>();
    for (const filters of prefixes) {
      for await (const group of query({ filters, groupBy })) {
        const found = groupBy.map((dim, i) => ({ dim, value: group.keys[i] ?? '' }));
        if (leaf) {
          const values: Record<string, string> = {};
          for (const { dim, value } of [...filters, ...found]) values[dim] = value;
          yield { values, row: group.row };
        } else {
          const combination = [...filters, ...found];
          next.set(JSON.stringify(combination.map((d) => d.value)), combination);
        }
      }
    }
    prefixes = [...next.values()];
    if (prefixes.length === 0) return;
  }
}
