import { Decimal } from 'decimal.js';
import { createReadStream } from 'node:fs';
import { z } from 'zod';
import { inPeriodBounds, plausiblePeriods } from '../billing/billing-period.js';
import { periodSchema } from '../billing/cost-query.js';
import { readCsvBatches } from '../ingestion/focus-file/csv-row-source.js';
import { AllocationConfig, teamPlaces } from './allocation-config.js';

/** One business metric value: a month's or a day's figure for a team or a product. */
export interface MetricValue {
  metric: string;
  granularity: 'month' | 'day';
  /** YYYY-MM-DD; month values are on the month's first day. */
  day: string;
  team: string | null;
  product: string | null;
  /** Exact decimal, never negative. */
  value: string;
  unit: string | null;
}

export const METRIC_NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/;
const DECIMAL = /^\d+(\.\d+)?$/;

const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine((d) => new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'is not a calendar date')
  .refine(
    (d) => inPeriodBounds(d.slice(0, 7), plausiblePeriods(new Date())),
    'is outside the plausible billing periods (2000 to two years ahead)',
  );

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : null));

/** What the API and CSV accept for one value (CSV cells arrive as strings, blanks as ""). */
export const metricEntrySchema = z
  .object({
    metric: z
      .string()
      .trim()
      .regex(METRIC_NAME, 'lower-case letters, digits, ".", "_" or "-" (e.g. requests)'),
    period: z.union([periodSchema, z.literal('')]).optional(),
    date: z.union([dateSchema, z.literal('')]).optional(),
    team: optionalText,
    product: optionalText,
    value: z.union([
      z.string().trim().regex(DECIMAL, 'must be a non-negative decimal number such as 1250 or 3.5'),
      z
        .number()
        .finite()
        .nonnegative('must not be negative')
        .transform((n) => new Decimal(n).toFixed()),
    ]),
    unit: optionalText,
  })
  .strict()
  .superRefine((e, ctx) => {
    if (!e.period === !e.date)
      ctx.addIssue({ code: 'custom', path: ['period'], message: 'give either period or date' });
    if (!e.team && !e.product)
      ctx.addIssue({ code: 'custom', path: ['team'], message: 'give a team or a product' });
  })
  .transform((e): MetricValue => ({
    metric: e.metric,
    granularity: e.period ? 'month' : 'day',
    day: e.period ? `${e.period}-01` : e.date!,
    team: e.team,
    product: e.product,
    value: new Decimal(e.value).toFixed(),
    unit: e.unit,
  }));

export const metricBatchSchema = z
  .object({ metrics: z.array(z.unknown()).min(1).max(100_000) })
  .strict();

/** A rejected value, named by where it came from (file:line or metrics[i]) and field. */
export class MetricInputError extends Error {
  constructor(
    readonly where: string,
    readonly field: string,
    reason: string,
  ) {
    super(`${where}: ${field}: ${reason}`);
    this.name = 'MetricInputError';
  }
}

function parseEntry(raw: unknown, where: string): MetricValue {
  const r = metricEntrySchema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new MetricInputError(where, issue.path.join('.') || '(row)', issue.message);
}

/**
 * Values read one at a time, each with its position (a CSV line, an index in a JSON body), so a
 * large file is never held whole; `where` names a position for errors (`metrics.csv:12`).
 */
export interface MetricEntries {
  /** The input's name for errors about it as a whole (`metrics.csv`, `body`). */
  source: string;
  /** The values in input order, in batches. */
  values: AsyncIterable<MetricEntry[]> | Iterable<MetricEntry[]>;
  where(pos: number): string;
}

export interface MetricEntry {
  value: MetricValue;
  pos: number;
}

/**
 * Checks a value against the organisation: a team must be configured, a product must belong to
 * one. Without an organisation (built-in rules) any name is taken. (A key given twice is found
 * by the store, in SQL: a set of all keys would grow with the file.)
 */
function placeCheck(config: AllocationConfig): (v: MetricValue, where: string) => void {
  const teams = teamPlaces(config);
  const products = productOwners(config);
  return (v, where) => {
    if (teams.size > 0 && v.team && !teams.has(v.team))
      throw new MetricInputError(where, 'team', `"${v.team}" is not a team in the organisation`);
    if (teams.size > 0 && v.product && !products.has(v.product))
      throw new MetricInputError(where, 'product', `"${v.product}" is not owned by any team`);
  };
}

/** Product → the team that owns it. */
export function productOwners(config: AllocationConfig): Map<string, string> {
  const out = new Map<string, string>();
  for (const bu of config.organisation)
    for (const cc of bu.costCenters)
      for (const t of cc.teams) for (const p of t.products) out.set(p, t.name);
  return out;
}

/** Values of a JSON body `{ metrics: [...] }`, all checked first; errors name `metrics[i].field`. */
export function metricsFromJson(body: unknown, config: AllocationConfig): MetricEntries {
  const batch = metricBatchSchema.safeParse(body);
  if (!batch.success) {
    const issue = batch.error.issues[0]!;
    throw new MetricInputError('body', issue.path.join('.') || 'metrics', issue.message);
  }
  const check = placeCheck(config);
  const where = (i: number) => `metrics[${i}]`;
  const values = batch.data.metrics.map((raw, i) => {
    const value = parseEntry(raw, where(i));
    check(value, where(i));
    return { value, pos: i };
  });
  return { source: 'body', values: [values], where };
}

const CSV_COLUMNS = ['metric', 'period', 'date', 'team', 'product', 'value', 'unit'];

/**
 * Values of a CSV file with a header naming some of metric, period, date, team, product, value,
 * unit (metric and value required), parsed as they are read. Errors name `file:line: field`
 * and are thrown while iterating, so the store they feed rolls back.
 */
export function metricsFromCsv(
  file: string,
  displayName: string,
  config: AllocationConfig,
): MetricEntries {
  return {
    source: displayName,
    values: csvValues(file, displayName, placeCheck(config)),
    where: (line) => `${displayName}:${line}`,
  };
}

async function* csvValues(
  file: string,
  displayName: string,
  check: (v: MetricValue, where: string) => void,
): AsyncGenerator<MetricEntry[]> {
  const input = createReadStream(file, { highWaterMark: 64 * 1024 });
  let header: string[] | null = null;
  try {
    // Batches of one read each: an await per batch, not per row, keeps a 1 GiB file fast.
    for await (const rows of readCsvBatches(input)) {
      const batch: MetricEntry[] = [];
      for (const { cells, line } of rows) {
        const where = `${displayName}:${line}`;
        if (!header) {
          header = readHeader(cells, where);
          continue;
        }
        if (cells.length !== header.length)
          throw new MetricInputError(
            where,
            '(row)',
            `${cells.length} fields where the header has ${header.length}`,
          );
        const raw: Record<string, string> = {};
        for (let i = 0; i < header.length; i++) raw[header[i]!] = cells[i]!.trim();
        const value = parseEntry(raw, where);
        check(value, where);
        batch.push({ value, pos: line });
      }
      yield batch;
    }
  } finally {
    input.destroy();
  }
}

function readHeader(record: readonly string[], where: string): string[] {
  const header = record.map((h) => h.trim().toLowerCase());
  const unknown = header.find((h) => !CSV_COLUMNS.includes(h));
  if (unknown !== undefined)
    throw new MetricInputError(
      where,
      unknown || '(blank)',
      `unknown column; expected ${CSV_COLUMNS.join(', ')}`,
    );
  for (const needed of ['metric', 'value'])
    if (!header.includes(needed)) throw new MetricInputError(where, needed, 'missing column');
  return header;
}
