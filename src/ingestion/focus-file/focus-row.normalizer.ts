import { FOCUS_COLUMNS, MONEY_COLUMNS } from '../../billing/focus-columns.js';
import { ImportProblem } from '../import-errors.js';
import { inPeriodBounds } from '../../billing/billing-period.js';
import { HeaderPlan } from './focus-header.js';
import {
  canonicalEnum,
  decimalInRange,
  focusSpelling,
  isCurrencyCode,
  isEnumColumn,
  isNullToken,
  MAX_FRACTION_DIGITS,
  MAX_INTEGER_DIGITS,
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
const BILLING_CURRENCY = idx('BillingCurrency');
const CHARGE_CLASS = idx('ChargeClass');
const CHARGE_CATEGORY = idx('ChargeCategory');
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
    if (raw.includes('\0')) {
      // PostgreSQL text and jsonb cannot hold NUL; dropping it would change the value.
      (problems ??= []).push({ line, column: plan.names[i]!, reason: NUL_REASON });
      continue;
    }
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
          reason = enumReason(col.name, raw);
        } else if (target === BILLING_CURRENCY && !isCurrencyCode(raw)) {
          reason = `"${raw}" is not an ISO 4217 currency code (three upper-case letters, e.g. USD)`;
        } else {
          value = raw;
        }
        break;
      case 'decimal':
        value = parseDecimal(raw) ?? undefined;
        reason = `"${raw}" is not a number`;
        if (value !== undefined && !decimalInRange(value)) {
          value = undefined;
          reason = `"${raw}" is out of range (${DECIMAL_BOUNDS})`;
        }
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
  if (!problems) checkPeriods(plan, values, line, (p) => (problems ??= []).push(p));
  if (problems) return { ok: false, problems };
  if (outsideBillingPeriod(values)) (warnings ??= []).push(OUTSIDE_WARNING);

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

const NUL_REASON = 'contains a NUL byte (U+0000), which cannot be stored';
const DECIMAL_BOUNDS = `at most ${MAX_INTEGER_DIGITS} digits before the point and ${MAX_FRACTION_DIGITS} after`;
const OUTSIDE_WARNING = 'ChargePeriodStart: the charge period lies outside its billing period';

function enumReason(name: string, raw: string): string {
  const spelling = focusSpelling(name, raw);
  return spelling
    ? `"${raw}" is not an allowed value (FOCUS spells it "${spelling}"; values are case-sensitive)`
    : `"${raw}" is not an allowed value`;
}

/**
 * Start is inclusive, end exclusive: an end at or before its start cannot be a real period
 * (research/focus.md §2.1 "Periods"). The billing period must be a plausible one
 * (plausiblePeriods).
 */
function checkPeriods(
  plan: HeaderPlan,
  values: (string | null)[],
  line: number,
  report: (p: ImportProblem) => void,
): void {
  for (const [start, end, name] of PERIOD_PAIRS) {
    const a = values[start]!;
    const b = values[end]!;
    if (!before(a, b)) report({ line, column: name, reason: `${b} is not after its start ${a}` });
  }
  const period = values[BILLING_PERIOD_START]!.slice(0, 7);
  if (!inPeriodBounds(period, plan.periods)) {
    report({
      line,
      column: 'BillingPeriodStart',
      reason: `billing period ${period} is outside the plausible range ${plan.periods.first} to ${plan.periods.last}`,
    });
  }
}

/** Whether instant `a` is before `b` (ISO UTC strings from parseTimestamp). */
function before(a: string, b: string): boolean {
  // Same-length normalized ISO strings order like the instants they name.
  return a.length === b.length ? a < b : Date.parse(a) < Date.parse(b);
}

/**
 * Legal but worth a look (research/focus.md §2.1): a charge outside its billing period, other
 * than a correction of an earlier period or a purchase spanning a term.
 */
function outsideBillingPeriod(values: (string | null)[]): boolean {
  if (values[CHARGE_CLASS] === 'Correction' || values[CHARGE_CATEGORY] === 'Purchase') return false;
  return (
    before(values[CHARGE_PERIOD_START]!, values[BILLING_PERIOD_START]!) ||
    before(values[BILLING_PERIOD_END]!, values[CHARGE_PERIOD_END]!)
  );
}
