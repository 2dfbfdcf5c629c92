import { Decimal } from 'decimal.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export const fixture = (name: string) => path.join(root, 'test', 'fixtures', name);
export const SAMPLE_CSV = path.join(root, 'sample-data', 'focus-1.0-sample-aws-500.csv');
export const CLI = path.join(root, 'bin', 'finops.js');
export const MAIN = path.join(root, 'dist', 'src', 'main.js');

/** Exact per-period sums of a column of a small CSV, computed independently of the importer. */
export function expectedTotals(
  file: string,
  column: string,
  periodColumn = 'BillingPeriodStart',
): Map<string, string> {
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  const sums = new Map<string, Decimal>();
  for (const row of parsed.data) {
    const period = row[periodColumn]!.slice(0, 7);
    sums.set(period, (sums.get(period) ?? new Decimal(0)).plus(row[column]!));
  }
  return new Map([...sums].map(([p, d]) => [p, d.toString()]));
}

/** Compares decimal strings by value (`5.9880` equals `5.988`). */
export function sameAmount(actual: string, expected: string): boolean {
  return new Decimal(actual).equals(expected);
}
