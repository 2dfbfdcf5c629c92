import { FOCUS_COLUMNS, MONEY_COLUMNS } from '../../billing/focus-columns.js';
import { ImportProblem } from '../import-errors.js';
import { HeaderPlan } from './focus-header.js';
import {
  canonicalEnum,
  isEnumColumn,
  isNullToken,
  monthOf,
  parseDecimal,
  parseJson,
  parseTags,
  parseTimestamp,
} from './focus-values.js';

/** A row ready for the loader: FOCUS values in FOCUS_COLUMNS order, as PostgreSQL text. */
export interface NormalizedRow {
  /** Billing period, `YYYY-MM-01` (UTC month of BillingPeriodStart). */
  period: string;
  values: (string | null)[];
  /** JSON object text of `x_` / non-FOCUS columns and kept odd values, or null. */
  extensions: string | null;
  /** `Column: reason` for odd values in optional columns that were kept in extensions. */
  warnings: string[] | null;
}

export type NormalizeResult =
  { ok: true; row: NormalizedRow } | { ok: false; problems: ImportProblem[] };

const idx = (name: string): number => FOCUS_COLUMNS.findIndex((c) => c.name === name);
const BILLING_PERIOD_START = idx('BillingPeriodStart');
const BILLING_PERIOD_END = idx('BillingPeriodEnd');
const CHARGE_PERIOD_START = idx('ChargePeriodStart');
const CHARGE_PERIOD_END = idx('ChargePeriodEnd');
const PROVIDER_NAME = idx('ProviderName');
const PUBLISHER_NAME = idx('PublisherName');
const SERVICE_PROVIDER_NAME = idx('ServiceProviderName');
const HOST_PROVIDER_NAME = idx('HostProviderName');
const TAGS = idx('Tags');
const MONEY = new Set(MONEY_COLUMNS.map(idx));
const ENUM = FOCUS_COLUMNS.map((c) => isEnumColumn(c.name));
const REQUIRED = FOCUS_COLUMNS.flatMap((c, i) => (c.required ? [i] : []));
const PERIOD_PAIRS: readonly [number, number, string][] = [
  [BILLING_PERIOD_START, BILLING_PERIOD_END, 'BillingPeriodEnd'],
  [CHARGE_PERIOD_START, CHARGE_PERIOD_END, 'ChargePeriodEnd'],
];

/**
 * Billing exports repeat the same timestamps and tag sets on millions of rows; memoizing the
 * parse of recent distinct values removes most of the per-row cost. Bounded so memory stays flat.
 */
function memo<T>(fn: (raw: string) => T, limit = 4096): (raw: string) => T {
  let cache = new Map<string, T>();
  return (raw) => {
    let value = cache.get(raw);
    if (value === undefined && !cache.has(raw)) {
      value = fn(raw);
      if (cache.size >= limit) cache = new Map();
      cache.set(raw, value);
    }
    return value as T;
  };
}
const timestamp = memo(parseTimestamp);
const tags = memo(parseTags);
const json = memo(parseJson);

/**
 * Normalizes one data row. A bad value in a required or money column is a problem that rejects
 * the row; an odd value in an optional column is kept verbatim in extensions (and counted as a
 * warning) so no input is lost.
 */
export function normalizeRow(
  plan: HeaderPlan,
  cells: readonly string[],
  line: number,
): NormalizeResult {
  if (cells.length !== plan.targets.length) {
    return {
      ok: false,
      problems: [
        {
          line,
          column: '(row)',
          reason: `expected ${plan.targets.length} fields, found ${cells.length}`,
        },
      ],
    };
  }
  const values: (string | null)[] = new Array<string | null>(FOCUS_COLUMNS.length).fill(null);
  let extensions: Record<string, string> | null = null;
  let warnings: string[] | null = null;
  let problems: ImportProblem[] | null = null;

  for (let i = 0; i < cells.length; i++) {
    const raw = cells[i]!;
    const target = plan.targets[i]!;
    if (target < 0) {
      if (!isNullToken(raw)) (extensions ??= {})[plan.names[i]!] = raw;
      continue;
    }
    if (isNullToken(raw)) continue;
    const col = FOCUS_COLUMNS[target]!;
    let value: string | null | undefined;
    let reason = '';
    switch (col.type) {
      case 'text':
        if (ENUM[target]) {
          value = canonicalEnum(col.name, raw);
          reason = `"${raw}" is not an allowed value`;
        } else {
          value = raw;
        }
        break;
      case 'decimal':
        value = parseDecimal(raw) ?? undefined;
        reason = `"${raw}" is not a number`;
        break;
      case 'timestamp':
        value = timestamp(raw) ?? undefined;
        reason = `"${raw}" is not a valid date/time`;
        break;
      case 'json':
        value = target === TAGS ? tags(raw) : json(raw);
        reason = target === TAGS ? 'not a JSON object of tags' : 'not valid JSON';
        break;
    }
    if (value !== undefined) {
      values[target] = value;
    } else if (col.required || MONEY.has(target)) {
      (problems ??= []).push({ line, column: plan.names[i]!, reason });
    } else {
      (extensions ??= {})[col.name] = raw;
      (warnings ??= []).push(`${col.name}: ${reason.replace(/^"[^"]*" /, '')}`);
    }
  }

  for (const i of REQUIRED) {
    const col = FOCUS_COLUMNS[i]!;
    if (values[i] === null && plan.present.has(i) && !problemFor(problems, plan, i)) {
      (problems ??= []).push({ line, column: col.name, reason: 'required value is missing' });
    }
  }
  if (!problems) checkPeriods(values, line, (p) => (problems ??= []).push(p));
  if (problems) return { ok: false, problems };

  // FOCUS 1.3 renamed ProviderName/PublisherName; fill both ways so every version groups alike.
  values[SERVICE_PROVIDER_NAME] ??= values[PROVIDER_NAME] ?? null;
  values[HOST_PROVIDER_NAME] ??= values[PUBLISHER_NAME] ?? null;

  return {
    ok: true,
    row: {
      period: monthOf(values[BILLING_PERIOD_START]!),
      values,
      extensions: extensions ? JSON.stringify(extensions) : null,
      warnings,
    },
  };
}

function problemFor(problems: ImportProblem[] | null, plan: HeaderPlan, target: number): boolean {
  const name = plan.names[plan.targets.indexOf(target)];
  return problems?.some((p) => p.column === name) ?? false;
}

/** Start is inclusive, end exclusive: an end at or before its start cannot be a real period. */
function checkPeriods(
  values: (string | null)[],
  line: number,
  report: (p: ImportProblem) => void,
): void {
  for (const [start, end, name] of PERIOD_PAIRS) {
    const a = values[start]!;
    const b = values[end]!;
    // Same-length normalized ISO strings order like the instants they name.
    if (a.length === b.length ? b < a : Date.parse(b) < Date.parse(a)) {
      report({ line, column: name, reason: `${b} is before its start ${a}` });
    }
  }
}
