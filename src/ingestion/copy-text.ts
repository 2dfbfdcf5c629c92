/**
 * PostgreSQL COPY text format (the default, tab-delimited): `\N` is NULL and backslash, tab,
 * newline and carriage return are escaped. NUL cannot be stored in text and is dropped.
 * https://www.postgresql.org/docs/current/sql-copy.html#SQL-COPY-FILE-FORMATS
 */
const NEEDS_ESCAPE = /[\\\t\n\r\0]/;
const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
  '\0': '',
};

export function copyField(value: string | null): string {
  if (value === null) return '\\N';
  return NEEDS_ESCAPE.test(value) ? value.replace(/[\\\t\n\r\0]/g, (ch) => ESCAPES[ch]!) : value;
}

/** One COPY line (with its newline) from the fields in column order. */
export function copyLine(fields: readonly (string | null)[]): string {
  let out = copyField(fields[0] ?? null);
  for (let i = 1; i < fields.length; i++) out += '\t' + copyField(fields[i] ?? null);
  return out + '\n';
}
