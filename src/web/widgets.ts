import type { DataSource } from 'typeorm';
import { escapeHtml as e } from './html.js';

/** A table with a caption and column headers; `numeric` columns are right-aligned. */
export function table(
  caption: string,
  headers: string[],
  rows: string[][],
  numeric: number[] = [],
  empty = 'Nothing here.',
): string {
  const cls = (i: number) => (numeric.includes(i) ? ' class="num"' : '');
  return `<table><caption>${e(caption)}</caption><thead><tr>${headers
    .map((h, i) => `<th scope="col"${cls(i)}>${e(h)}</th>`)
    .join('')}</tr></thead><tbody>${
    rows.length
      ? rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${c}</td>`).join('')}</tr>`).join('')
      : `<tr><td colspan="${headers.length}">${e(empty)}</td></tr>`
  }</tbody></table>`;
}

/** Billing periods with cost data, newest first (YYYY-MM). */
export async function periodsWithData(ds: DataSource): Promise<string[]> {
  const rows = (await ds.query(
    `SELECT DISTINCT to_char(billing_period, 'YYYY-MM') AS p FROM cost_record ORDER BY 1 DESC`,
  )) as { p: string }[];
  return rows.map((r) => r.p);
}

/** A labelled period picker that reloads the page for the chosen period. */
export function periodPicker(action: string, periods: string[], chosen: string): string {
  return `<form class="filters" method="get" action="${action}" aria-label="Period"><div><label for="period">Billing period</label>
<select id="period" name="period">${periods
    .map((p) => `<option${p === chosen ? ' selected' : ''}>${e(p)}</option>`)
    .join('')}</select></div><button type="submit">Show</button></form>`;
}

/** The period asked for if it has data, else the latest one (null: no data at all). */
export function choosePeriod(asked: unknown, periods: string[]): string | null {
  return typeof asked === 'string' && periods.includes(asked) ? asked : (periods[0] ?? null);
}
