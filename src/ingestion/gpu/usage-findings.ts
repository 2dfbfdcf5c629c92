/**
 * What an import noticed but could not use: unknown metric names, series without the labels
 * that identify a GPU, hours with missing samples. Counted by kind and stored on the import run
 * (as its warnings), never fatal.
 */
export type UsageFindings = Record<string, number>;

export function note(findings: UsageFindings, what: string, count = 1): void {
  findings[what] = (findings[what] ?? 0) + count;
}
