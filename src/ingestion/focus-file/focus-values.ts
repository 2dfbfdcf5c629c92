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
  if (month < 1 || month > 12 || day < 1) return null;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && !leap ? 28 : DAYS_IN_MONTH[month - 1]!)) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  const fraction = frac ? `.${frac.slice(0, 6)}` : '';
  const offset = zone ? zoneOffsetMinutes(zone) : 0;
  if (offset === 0) return `${y}-${mo}-${d}T${h}:${mi}:${s}${fraction}Z`;
  const utcMillis =
    Date.UTC(year, month - 1, day, Number(h), Number(mi), Number(s)) - offset * 60_000;
  const iso = new Date(utcMillis).toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ
  return `${iso.slice(0, 19)}${fraction}Z`;
}

function zoneOffsetMinutes(zone: string): number {
  if (zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
}

/** First day of the UTC month of an ISO timestamp from parseTimestamp, as `YYYY-MM-01`. */
export function monthOf(isoUtc: string): string {
  return `${isoUtc.slice(0, 7)}-01`;
}

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Parses a JSON column; returns the canonical JSON text, or undefined when it is not JSON. */
export function parseJson(raw: string): string | null | undefined {
  const s = raw.trim();
  if (s === '' || s === '{}' || s === 'null') return null;
  try {
    return JSON.stringify(JSON.parse(s) as JsonValue);
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
  return Object.keys(value).length === 0 ? null : JSON.stringify(value);
}

/** Canonical spellings of FOCUS enumerations, matched case-insensitively (old names included). */
const ENUMS: Record<string, Record<string, string>> = {
  ChargeCategory: lower(['Usage', 'Purchase', 'Tax', 'Credit', 'Adjustment']),
  ChargeClass: lower(['Correction']),
  ChargeFrequency: { ...lower(['One-Time', 'Recurring', 'Usage-Based']), onetime: 'One-Time' },
  PricingCategory: {
    ...lower(['Standard', 'Dynamic', 'Committed', 'Other']),
    'on-demand': 'Standard', // FOCUS 1.0-preview names
    'commitment-based': 'Committed',
  },
  CommitmentDiscountCategory: lower(['Spend', 'Usage']),
  CommitmentDiscountStatus: lower(['Used', 'Unused']),
  CapacityReservationStatus: lower(['Used', 'Unused']),
};

function lower(values: string[]): Record<string, string> {
  return Object.fromEntries(values.map((v) => [v.toLowerCase(), v]));
}

export function isEnumColumn(name: string): boolean {
  return name in ENUMS;
}

/** Canonical enum value, or undefined when the value is not one of the allowed values. */
export function canonicalEnum(name: string, raw: string): string | undefined {
  return ENUMS[name]?.[raw.trim().toLowerCase()];
}
