/**
 * Spreadsheet formula injection (CSV/Excel "DDE" attacks): a cell whose text starts with `=`, `+`,
 * `-`, `@`, tab or carriage return may be run as a formula by Excel or LibreOffice. Every export
 * passes user-controlled text (tags, resource names, descriptions) through this helper, which
 * prefixes such text with an apostrophe, the OWASP-recommended neutralization
 * (https://owasp.org/www-community/attacks/CSV_Injection). Numbers are written as numbers, so a
 * negative amount never reaches here as text.
 */
const DANGEROUS_FIRST = new Set(['=', '+', '-', '@', '\t', '\r']);

export function spreadsheetSafe(text: string): string {
  return text.length > 0 && DANGEROUS_FIRST.has(text[0]!) ? `'${text}` : text;
}
