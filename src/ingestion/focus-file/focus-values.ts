/**
 * Parsing of single FOCUS cell values. Pure functions: no I/O, no clock.
 * Real exports differ from the spec's `YYYY-MM-DDTHH:mm:ssZ` and plain decimals; the quirks handled
 * here are listed in ../shared/research/focus.md §6.
 */

/** Literal null tokens seen in real exports (the FOCUS sample uses unquoted NULL). */
export function isNullToken(raw: string): boolean {
  return raw === '' || raw === 'NULL' || raw === 'null' || raw === 'Null';
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Returns the decimal as PostgreSQL NUMERIC accepts it (exact, E-notation allowed), or null. */
export function parseDecimal(raw: string): string | null {
  const s = raw.trim();
  return DECIMAL.test(s) ? s : null;
}

/** Bounds of what a cost line can hold: DECIMAL(38) like the providers' Parquet exports. */
export const MAX_INTEGER_DIGITS = 38;
export const MAX_FRACTION_DIGITS = 100;
const DECIMAL_PARTS = /^[+-]?(\d*)\.?(\d*)(?:[eE]([+-]?\d+))?$/;

/**
 * Whether a decimal from parseDecimal fits the bounds: at most MAX_INTEGER_DIGITS digits before
 * the point and MAX_FRACTION_DIGITS after it, E-notation applied. `1e400` is exact text for
 * PostgreSQL but Infinity for every spreadsheet and chart, and exponents beyond ±1000 make
 * PostgreSQL itself fail; no bill has such amounts.
 */
export function decimalInRange(value: string): boolean {
  const [, int = '', frac = '', exp = '0'] = DECIMAL_PARTS.exec(value) ?? [];
  const e = Number(exp);
  if (Math.abs(e) > 1000) return false;
  const digits = int + frac;
  const first = digits.search(/[1-9]/);
  if (first === -1) return true; // zero
  const integerDigits = int.length - first + e; // digits before the point once `e` is applied
  const fractionDigits = frac.replace(/0+$/, '').length - e;
  return integerDigits <= MAX_INTEGER_DIGITS && fractionDigits <= MAX_FRACTION_DIGITS;
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Parses a timestamp with or without `T`, seconds, fraction or zone; a missing zone means UTC (as
 * the FOCUS validator assumes). Returns an ISO 8601 UTC string ending in `Z`, or null when invalid.
 */
export function parseTimestamp(raw: string): string | null {
  const m = TIMESTAMP.exec(raw.trim());
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  // Year 0000 does not exist in PostgreSQL's calendar (1 BC is year -1 there).
  if (year < 1 || month < 1 || month > 12 || day < 1) return null;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && !leap ? 28 : DAYS_IN_MONTH[month - 1]!)) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  const fraction = frac ? `.${frac.slice(0, 6)}` : '';
  const offset = zone ? zoneOffsetMinutes(zone) : 0;
  if (offset === undefined) return null;
  if (offset === 0) return `${y}-${mo}-${d}T${h}:${mi}:${s}${fraction}Z`;
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day); // Date.UTC would read years 0-99 as 1900-1999
  utc.setUTCHours(Number(h), Number(mi) - offset, Number(s));
  const iso = utc.toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ
  return iso.startsWith('-') || iso.startsWith('+') ? null : `${iso.slice(0, 19)}${fraction}Z`;
}

/** Minutes east of UTC, or undefined for no real zone: offsets run from -12:00 to +14:00. */
function zoneOffsetMinutes(zone: string): number | undefined {
  if (zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  if (minutes > 59 || hours * 60 + minutes > 14 * 60) return undefined;
  return sign * (hours * 60 + minutes);
}

/** First day of the UTC month of an ISO timestamp from parseTimestamp, as `YYYY-MM-01`. */
export function monthOf(isoUtc: string): string {
  return `${isoUtc.slice(0, 7)}-01`;
}

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * jsonb cannot hold U+0000 or an unpaired surrogate; JSON.stringify writes exactly those as
 * `\u0000` and `\udXXX` escapes (a valid pair comes out as the character itself); an escaped
 * backslash before `u` (an even run of backslashes) is text, not an escape.
 */
const JSONB_UNSTORABLE = /(?:^|[^\\])(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

/** JSON text for jsonb, or undefined when the value holds what jsonb cannot store. */
function storableJson(value: JsonValue): string | undefined {
  const text = JSON.stringify(value);
  return JSONB_UNSTORABLE.test(text) ? undefined : text;
}

/** Parses a JSON column; returns the canonical JSON text, or undefined when it is not JSON. */
export function parseJson(raw: string): string | null | undefined {
  const s = raw.trim();
  if (s === '' || s === '{}' || s === 'null') return null;
  try {
    return storableJson(JSON.parse(s) as JsonValue);
  } catch {
    return undefined;
  }
}

/**
 * Tags arrive as a JSON object (FOCUS), an array of {key, value} structs (GCP view), or an object
 * body without braces (legacy Azure). Keys are kept exactly as provided, even with odd spacing or
 * case; `{}` and empty mean no tags. Returns the JSON object text, null, or undefined if unusable.
 */
export function parseTags(raw: string): string | null | undefined {
  let s = raw.trim();
  if (s === '' || s === '{}' || s === '[]' || s === 'null') return null;
  if (!s.startsWith('{') && !s.startsWith('[')) s = `{${s}}`;
  let value: JsonValue;
  try {
    value = JSON.parse(s) as JsonValue;
  } catch {
    return undefined;
  }
  if (Array.isArray(value)) {
    const out: Record<string, JsonValue> = {};
    for (const item of value) {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
      const key = item['key'];
      if (typeof key !== 'string') return undefined;
      out[key] = item['value'] ?? true;
    }
    value = out;
  }
  if (value === null || typeof value !== 'object') return undefined;
  return Object.keys(value).length === 0 ? null : storableJson(value);
}

/**
 * FOCUS enumerations and their allowed values. The spec's values are case-sensitive
 * (research/focus.md §1.1), and the cost queries compare them exactly (`charge_category =
 * 'Purchase'` keeps commitment purchases out of amortized cost), so a value is taken only as
 * spelled in the spec: `usage` or `Usage-based` is not folded into `Usage`/`Usage-Based`, which
 * would silently change what the provider sent. Required columns refuse it; optional ones keep it
 * verbatim in extensions with a warning (see the normalizer), and both name the FOCUS spelling.
 */
const ENUMS: Record<string, readonly string[]> = {
  ChargeCategory: ['Usage', 'Purchase', 'Tax', 'Credit', 'Adjustment'],
  ChargeClass: ['Correction'],
  ChargeFrequency: ['One-Time', 'Recurring', 'Usage-Based'],
  PricingCategory: ['Standard', 'Dynamic', 'Committed', 'Other'],
  CommitmentDiscountCategory: ['Spend', 'Usage'],
  CommitmentDiscountStatus: ['Used', 'Unused'],
  CapacityReservationStatus: ['Used', 'Unused'],
};

/**
 * Values FOCUS itself renamed between versions (1.0-preview `On-Demand` and `Commitment-Based`
 * became `Standard` and `Committed` in 1.0): mapped like renamed columns, in their exact spelling.
 */
const RENAMED: Record<string, Record<string, string>> = {
  PricingCategory: { 'On-Demand': 'Standard', 'Commitment-Based': 'Committed' },
};

export function isEnumColumn(name: string): boolean {
  return name in ENUMS;
}

/** The allowed value `raw` is (or was renamed to), or undefined when it is none. */
export function canonicalEnum(name: string, raw: string): string | undefined {
  if (ENUMS[name]?.includes(raw)) return raw;
  return RENAMED[name]?.[raw];
}

/** The allowed value that `raw` misspells by case or surrounding spaces only, if one. */
export function focusSpelling(name: string, raw: string): string | undefined {
  const key = raw.trim().toLowerCase();
  return ENUMS[name]?.find((v) => v.toLowerCase() === key);
}

/** ISO 4217 codes are three upper-case letters (FOCUS CurrencyFormat, research/focus.md §1.2). */
export function isCurrencyCode(raw: string): boolean {
  return /^[A-Z]{3}$/.test(raw);
}
