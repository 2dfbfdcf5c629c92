/** Text for HTML: the five characters that could end an element or attribute are escaped. */
export const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** Money for a page: thousands separated, two decimals; `unknown` for null. */
export function moneyText(v: string | null, currency?: string | null): string {
  if (v === null) return 'unknown';
  const [int, frac = ''] = (Number(v) < 0 ? v.slice(1) : v).split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = `${frac}00`.slice(0, 2);
  return `${Number(v) < 0 ? '-' : ''}${grouped}.${cents}${currency ? ` ${currency}` : ''}`;
}

/** A change in percent with its sign (`+4.2 %`); `new` when there was nothing before. */
export const percentText = (v: string | null): string =>
  v === null ? 'new' : `${Number(v) > 0 ? '+' : ''}${v} %`;

/** A change in money with its sign (`+1,204.50`). */
export const signedMoney = (v: string): string => `${Number(v) > 0 ? '+' : ''}${moneyText(v)}`;

/** A billing period as people say it (`September 2024`). */
export const monthName = (period: string): string =>
  new Date(`${period}-01T00:00:00Z`).toLocaleString('en-GB', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
