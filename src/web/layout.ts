import type { Principal } from '../auth/roles.js';
import { escapeHtml } from './html.js';

const STYLE = `
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--accent:#0b5cad;--bad:#a40e26;--ok:#116329}
*{box-sizing:border-box}body{font:15px/1.45 system-ui,sans-serif;color:var(--fg);margin:0}
header{display:flex;gap:1.5rem;align-items:center;padding:.6rem 1.5rem;border-bottom:1px solid var(--line)}
header nav a{margin-right:1rem;color:var(--accent);text-decoration:none}header nav a[aria-current]{font-weight:600;text-decoration:underline}
header .who{margin-left:auto;color:var(--muted)}main{padding:1rem 1.5rem;max-width:80rem}
table{border-collapse:collapse;width:100%}th,td{padding:.35rem .5rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}caption{text-align:left;color:var(--muted);padding:.25rem 0}
form.filters{display:flex;gap:1rem;align-items:end;flex-wrap:wrap;margin:.5rem 0 1rem}label{display:block;font-size:.85rem;color:var(--muted)}
select,input,textarea,button{font:inherit;padding:.3rem .5rem}button{cursor:pointer}
.error{color:var(--bad)}.notice{color:var(--ok)}dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{color:var(--muted)}
pre{background:#f6f8fa;padding:.75rem;overflow:auto;max-height:24rem}.decisions{display:flex;gap:1.5rem;flex-wrap:wrap}
.decisions form{border:1px solid var(--line);padding:.75rem;border-radius:4px}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(13rem,1fr));gap:.75rem;margin:1rem 0}.tile{border:1px solid var(--line);border-radius:6px;padding:.75rem}
.tile .value{font-size:1.4rem;font-weight:600}.tile .label,.tile .detail{color:var(--muted);font-size:.85rem}svg{max-width:100%;height:auto}:focus-visible{outline:3px solid #fb8c00}`;

/** The pages, and who sees each in the navigation (the routes check the same roles). */
export const NAV: { href: string; label: string; roles: readonly string[] }[] = [
  { href: '/', label: 'Overview', roles: ['admin', 'finance', 'executive', 'lead', 'service'] },
  {
    href: '/recommendations',
    label: 'Recommendations',
    roles: ['admin', 'finance', 'executive', 'lead'],
  },
  { href: '/chargeback', label: 'Chargeback', roles: ['admin', 'finance', 'executive', 'lead'] },
  { href: '/gpu', label: 'GPU efficiency', roles: ['admin', 'finance', 'executive', 'lead'] },
  { href: '/reports', label: 'Reports', roles: ['admin', 'finance', 'executive'] },
  { href: '/imports', label: 'Imports', roles: ['admin', 'finance', 'service'] },
  { href: '/settings', label: 'Settings', roles: ['admin', 'finance'] },
];

/** A page of the web UI: navigation, who is signed in, the content. */
export function layout(title: string, who: Principal, current: string, body: string): string {
  const nav = NAV.filter((n) => n.roles.includes(who.role))
    .map(
      (n) =>
        `<a href="${n.href}"${n.href === current ? ' aria-current="page"' : ''}>${escapeHtml(n.label)}</a>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · finops-chargeback</title><style>${STYLE}</style></head>
<body><header><strong>finops-chargeback</strong><nav aria-label="Main">${nav}</nav>
<span class="who">${escapeHtml(who.name)} (${who.role}${who.teams.length ? `: ${escapeHtml(who.teams.join(', '))}` : ''})</span>
<form method="post" action="/logout"><button type="submit">Sign out</button></form></header>
<main id="main">${body}</main></body></html>`;
}
