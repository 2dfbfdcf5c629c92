import { escapeHtml as e, monthName, moneyText, percentText, signedMoney } from '../../web/html.js';
import { teamsChart, trendChart } from './charts.js';
import type { Change, ExecutiveReport, Mover } from './executive-model.js';

function tile(label: string, value: string, detail: string, id: string): string {
  return `<div class="tile"><div class="label">${e(label)}</div><div class="value" id="${id}">${value}</div><div class="detail">${detail}</div></div>`;
}

function moversTable(caption: string, rows: Mover[]): string {
  return `<table><caption>${e(caption)}</caption><thead><tr><th scope="col">Name</th><th class="num" scope="col">This month</th><th class="num" scope="col">Change</th><th class="num" scope="col">%</th></tr></thead><tbody>${rows
    .map(
      (m) =>
        `<tr><td>${e(m.key)}</td><td class="num">${moneyText(m.current)}</td><td class="num">${signedMoney(m.delta)}</td><td class="num">${percentText(m.percent)}</td></tr>`,
    )
    .join('')}</tbody></table>`;
}

const changeText = (c: Change) =>
  `${signedMoney(c.delta)} (${percentText(c.percent)}) vs last month`;

/**
 * The monthly executive report as one self-contained HTML file: headline numbers and the trend
 * on the first page, detail after; charts are inline SVG rendered on the server.
 */
export function executiveHtml(r: ExecutiveReport): string {
  const h = r.headline;
  const cur = r.currency ?? '';
  const title = `Cloud spend, ${monthName(r.period)}`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title><style>
body{font:14px/1.45 Helvetica,Arial,sans-serif;color:#1b1f24;max-width:60rem;margin:2rem auto;padding:0 1.5rem}
h1{margin:0 0 .25rem}.sub{color:#57606a;margin:0 0 1.25rem}h2{margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.25rem}
.tiles{display:grid;grid-template-columns:repeat(3,1fr);gap:.75rem;margin-bottom:1.25rem}
.tile{border:1px solid #d0d7de;border-radius:6px;padding:.75rem}.label{color:#57606a;font-size:.85rem}.value{font-size:1.5rem;font-weight:600}.detail{color:#57606a;font-size:.85rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{padding:.3rem .5rem;border-bottom:1px solid #d0d7de;text-align:left}
.num{text-align:right;font-variant-numeric:tabular-nums}caption{text-align:left;font-weight:600;padding:.25rem 0}
.movers{display:grid;grid-template-columns:repeat(3,1fr);gap:1rem}svg{max-width:100%;height:auto}
@media print{.headline{page-break-after:always}body{margin:0}}</style></head><body>
<section class="headline" aria-label="Headline"><h1>${e(title)}</h1>
<p class="sub">Amounts in ${e(cur)}, effective (amortized) cost unless stated. Generated ${e(r.generatedAt.slice(0, 16).replace('T', ' '))} UTC.</p>
<div class="tiles">
${tile('Total spend (effective)', moneyText(h.effective.current), changeText(h.effective), 'total-effective')}
${tile('Billed (invoice)', moneyText(h.billed), 'what the invoices say', 'total-billed')}
${tile('Against forecast', h.forecast ? percentText(h.vsForecastPercent) : 'n/a', h.forecast ? `forecast ${moneyText(h.forecast)}` : 'not enough history before the month', 'vs-forecast')}
${tile('GPU spend', h.gpuSpend ? moneyText(h.gpuSpend) : 'none', h.gpuIdle ? `${moneyText(h.gpuIdle)} of it idle` : '', 'gpu-spend')}
${tile('Savings open', moneyText(h.openSavings), `a month; ${moneyText(h.realizedSavings)} a month realized`, 'savings-open')}
${tile('Anomalies', String(h.anomalies), 'days of unexpected spend this month', 'anomalies')}
</div><figure aria-label="Twelve-month trend">${trendChart(r)}<figcaption>Effective cost by month; this month highlighted${h.forecast ? ', its forecast marked' : ''}.</figcaption></figure></section>
<h2>Spend by business unit and team</h2>
${moversTable('Business units', r.businessUnits)}
<figure aria-label="Teams">${teamsChart(r)}</figure>
<table><caption>Teams</caption><thead><tr><th scope="col">Team</th><th scope="col">Business unit</th><th class="num" scope="col">This month</th><th class="num" scope="col">Last month</th><th class="num" scope="col">Change</th></tr></thead><tbody>${r.teams
    .map(
      (t) =>
        `<tr><td>${e(t.key)}</td><td>${e(t.businessUnit ?? '')}</td><td class="num">${moneyText(t.current)}</td><td class="num">${moneyText(t.previous)}</td><td class="num">${signedMoney(t.delta)}</td></tr>`,
    )
    .join('')}</tbody></table>
<h2>What moved the total</h2><p>Of the change of ${signedMoney(r.variance.total)}: <strong id="variance-volume">${signedMoney(r.variance.volume)}</strong> volume (using more or less), <strong id="variance-price">${signedMoney(r.variance.price)}</strong> list price, <strong id="variance-commitment">${signedMoney(r.variance.commitment)}</strong> commitment coverage and discounts${Number(r.variance.unsplit) !== 0 ? `, ${signedMoney(r.variance.unsplit)} on items without quantities or list prices` : ''}.</p>
${r.variance.top.length ? `<table><caption>Items that moved most</caption><thead><tr><th scope="col">Item</th><th class="num" scope="col">Change</th><th class="num" scope="col">Volume</th><th class="num" scope="col">Price</th><th class="num" scope="col">Commitment</th></tr></thead><tbody>${r.variance.top.map((v) => `<tr><td>${e(v.item)}</td><td class="num">${signedMoney(v.total)}</td><td class="num">${signedMoney(v.volume)}</td><td class="num">${signedMoney(v.price)}</td><td class="num">${signedMoney(v.commitment)}</td></tr>`).join('')}</tbody></table>` : ''}
<p>The largest changes by team, service and provider:</p>
<div class="movers">${moversTable('Teams', r.movers.teams)}${moversTable('Services', r.movers.services)}${moversTable('Providers', r.movers.providers)}</div>
<h2>Unit costs</h2>${
    r.unitCosts.length
      ? `<table><thead><tr><th scope="col">Metric</th><th scope="col">Team or product</th><th class="num" scope="col">Unit cost</th><th class="num" scope="col">Change</th></tr></thead><tbody>${r.unitCosts
          .map(
            (u) =>
              `<tr><td>${e(u.metric)}</td><td>${e(u.product ?? u.team ?? '')}</td><td class="num">${e(u.unitCost ?? 'n/a')}</td><td class="num">${u.change === null ? '' : `${e(u.change)} %`}</td></tr>`,
          )
          .join('')}</tbody></table>`
      : '<p>No business metrics for this month.</p>'
  }
<h2>GPU</h2>${
    r.gpu
      ? `<p>${moneyText(r.gpu.spend)} for ${e(r.gpu.gpuHours)} GPU-hours; ${moneyText(r.gpu.used)} did work and ${moneyText(r.gpu.idle)} paid for idle GPUs (average utilization ${r.gpu.utilization ?? 'n/a'} %).</p>`
      : '<p>No GPU usage measured this month.</p>'
  }
<h2>Savings</h2><p>${r.recommendations.open.count} open recommendation(s) worth ${moneyText(r.recommendations.open.monthlySavings)} a month; ${r.recommendations.realized.count} verified, realizing ${moneyText(r.recommendations.realized.monthlySavings)} a month.</p>
<table><caption>Top open recommendations</caption><thead><tr><th scope="col">What to do</th><th scope="col">Team</th><th class="num" scope="col">Saving / month</th></tr></thead><tbody>${r.recommendations.open.top
    .map(
      (o) =>
        `<tr><td>${e(o.title)}</td><td>${e(o.team ?? '-')}</td><td class="num">${moneyText(o.saving)}</td></tr>`,
    )
    .join('')}</tbody></table>
<h2>Anomalies</h2>${
    r.anomalies.length
      ? `<table><thead><tr><th scope="col">Scope</th><th scope="col">Days</th><th class="num" scope="col">Impact</th><th scope="col">Status</th></tr></thead><tbody>${r.anomalies
          .map(
            (a) =>
              `<tr><td>${e(`${a.scopeKind} ${a.scope}`)}</td><td>${a.startDay}${a.endDay !== a.startDay ? ` to ${a.endDay}` : ''}</td><td class="num">${moneyText(a.impact)}</td><td>${a.status}</td></tr>`,
          )
          .join('')}</tbody></table>`
      : '<p>No anomalies this month.</p>'
  }
<h2>Data freshness</h2><table><thead><tr><th scope="col">Source</th><th scope="col">Kind</th><th scope="col">Data through</th><th scope="col">Imported</th></tr></thead><tbody>${r.freshness
    .map(
      (f) =>
        `<tr><td>${e(f.source)}</td><td>${e(f.kind)}</td><td>${e(f.dataThrough.slice(0, 10))}</td><td>${e(f.importedAt?.slice(0, 16).replace('T', ' ') ?? '')}</td></tr>`,
    )
    .join('')}</tbody></table></body></html>`;
}
