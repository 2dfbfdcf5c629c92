import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import type { Writable } from 'node:stream';
import { monthName, moneyText, percentText, signedMoney } from '../../web/html.js';
import { teamsChart, trendChart } from './charts.js';
import type { ExecutiveReport, Mover } from './executive-model.js';

const MARGIN = 50;
const WIDTH = 595.28 - 2 * MARGIN; // A4
const GREY = '#57606a';

/** A simple table: header row, then rows; numeric columns right-aligned; new pages as needed. */
function table(
  doc: PDFKit.PDFDocument,
  headers: string[],
  rows: string[][],
  widths: number[],
  numeric: number[],
): void {
  const line = (cells: string[], bold: boolean) => {
    if (doc.y > doc.page.height - MARGIN - 20) doc.addPage();
    const y = doc.y;
    let x = MARGIN;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8.5);
    let height = 0;
    cells.forEach((c, i) => {
      const w = widths[i]! * WIDTH;
      doc.text(c, x + 2, y, { width: w - 4, align: numeric.includes(i) ? 'right' : 'left' });
      height = Math.max(height, doc.y - y);
      x += w;
    });
    doc.y = y + height + 3;
    doc
      .moveTo(MARGIN, doc.y - 1.5)
      .lineTo(MARGIN + WIDTH, doc.y - 1.5)
      .strokeColor('#d0d7de')
      .lineWidth(0.5)
      .stroke();
  };
  line(headers, true);
  for (const r of rows) line(r, false);
  doc.x = MARGIN;
  doc.moveDown(0.6);
}

function heading(doc: PDFKit.PDFDocument, text: string): void {
  if (doc.y > doc.page.height - MARGIN - 80) doc.addPage();
  doc
    .moveDown(0.5)
    .font('Helvetica-Bold')
    .fontSize(13)
    .fillColor('#1b1f24')
    .text(text, MARGIN, doc.y);
  doc.moveDown(0.3).font('Helvetica').fontSize(9);
}

function paragraph(doc: PDFKit.PDFDocument, text: string): void {
  doc
    .font('Helvetica')
    .fontSize(9)
    .fillColor('#1b1f24')
    .text(text, MARGIN, doc.y, { width: WIDTH });
  doc.moveDown(0.4);
}

const moverRows = (ms: Mover[]) =>
  ms.map((m) => [m.key, moneyText(m.current), signedMoney(m.delta), percentText(m.percent)]);

/**
 * The monthly executive report as a PDF drawn with pdfkit (no browser): the same sections and
 * charts as the HTML, headline page first. Streams into `out`; resolves when it is written.
 */
export async function writeExecutivePdf(r: ExecutiveReport, out: Writable): Promise<void> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      Title: `Cloud spend, ${monthName(r.period)}`,
      Author: 'finops-chargeback',
      Subject: 'Monthly executive report',
    },
  });
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  doc.pipe(out);
  const h = r.headline;
  doc
    .font('Helvetica-Bold')
    .fontSize(20)
    .text(`Cloud spend, ${monthName(r.period)}`);
  doc
    .font('Helvetica')
    .fontSize(9)
    .fillColor(GREY)
    .text(
      `Amounts in ${r.currency ?? ''}, effective (amortized) cost unless stated. Generated ${r.generatedAt.slice(0, 16).replace('T', ' ')} UTC.`,
    );
  const tiles: [string, string, string][] = [
    [
      'Total spend (effective)',
      moneyText(h.effective.current),
      `${signedMoney(h.effective.delta)} (${percentText(h.effective.percent)}) vs last month`,
    ],
    ['Billed (invoice)', moneyText(h.billed), 'what the invoices say'],
    [
      'Against forecast',
      h.forecast ? percentText(h.vsForecastPercent) : 'n/a',
      h.forecast ? `forecast ${moneyText(h.forecast)}` : 'not enough history',
    ],
    [
      'GPU spend',
      h.gpuSpend ? moneyText(h.gpuSpend) : 'none',
      h.gpuIdle ? `${moneyText(h.gpuIdle)} of it idle` : '',
    ],
    ['Savings open', moneyText(h.openSavings), `a month; ${moneyText(h.realizedSavings)} realized`],
    ['Anomalies', String(h.anomalies), 'days of unexpected spend'],
  ];
  const top = doc.y + 14;
  const tw = (WIDTH - 20) / 3;
  tiles.forEach(([label, value, detail], i) => {
    const x = MARGIN + (i % 3) * (tw + 10);
    const y = top + Math.floor(i / 3) * 72;
    doc.roundedRect(x, y, tw, 62, 4).strokeColor('#d0d7de').lineWidth(0.8).stroke();
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor(GREY)
      .text(label, x + 8, y + 7, { width: tw - 16 });
    doc
      .font('Helvetica-Bold')
      .fontSize(15)
      .fillColor('#1b1f24')
      .text(value, x + 8, y + 20, { width: tw - 16 });
    doc
      .font('Helvetica')
      .fontSize(7.5)
      .fillColor(GREY)
      .text(detail, x + 8, y + 42, { width: tw - 16 });
  });
  SVGtoPDF(doc, trendChart(r), MARGIN, top + 160, { width: WIDTH, height: (WIDTH * 260) / 720 });
  doc
    .fillColor(GREY)
    .fontSize(8)
    .text(
      'Effective cost by month; this month highlighted, its forecast marked.',
      MARGIN,
      top + 160 + (WIDTH * 260) / 720 + 6,
    );

  doc.addPage();
  heading(doc, 'Spend by business unit and team');
  table(
    doc,
    ['Business unit', 'This month', 'Change', '%'],
    moverRows(r.businessUnits),
    [0.46, 0.2, 0.2, 0.14],
    [1, 2, 3],
  );
  SVGtoPDF(doc, teamsChart(r), MARGIN, doc.y, { width: WIDTH, height: (WIDTH * 300) / 720 });
  doc.y += (WIDTH * 300) / 720 + 8;
  table(
    doc,
    ['Team', 'Business unit', 'This month', 'Last month', 'Change'],
    r.teams.map((t) => [
      t.key,
      t.businessUnit ?? '',
      moneyText(t.current),
      moneyText(t.previous),
      signedMoney(t.delta),
    ]),
    [0.26, 0.22, 0.18, 0.17, 0.17],
    [2, 3, 4],
  );
  heading(doc, 'What moved the total');
  paragraph(
    doc,
    `Of the change of ${signedMoney(r.variance.total)}: ${signedMoney(r.variance.volume)} volume, ${signedMoney(r.variance.price)} list price, ${signedMoney(r.variance.commitment)} commitment coverage and discounts${Number(r.variance.unsplit) !== 0 ? `, ${signedMoney(r.variance.unsplit)} on items without quantities or list prices` : ''}.`,
  );
  if (r.variance.top.length)
    table(
      doc,
      ['Item', 'Change', 'Volume', 'Price', 'Commitment'],
      r.variance.top.map((v) => [
        v.item,
        signedMoney(v.total),
        signedMoney(v.volume),
        signedMoney(v.price),
        signedMoney(v.commitment),
      ]),
      [0.4, 0.15, 0.15, 0.15, 0.15],
      [1, 2, 3, 4],
    );
  for (const [name, ms] of [
    ['Teams', r.movers.teams],
    ['Services', r.movers.services],
    ['Providers', r.movers.providers],
  ] as const)
    table(
      doc,
      [name, 'This month', 'Change', '%'],
      moverRows(ms),
      [0.46, 0.2, 0.2, 0.14],
      [1, 2, 3],
    );
  heading(doc, 'Unit costs');
  if (r.unitCosts.length)
    table(
      doc,
      ['Metric', 'Team or product', 'Unit cost', 'Change'],
      r.unitCosts.map((u) => [
        u.metric,
        u.product ?? u.team ?? '',
        u.unitCost ?? 'n/a',
        u.change === null ? '' : `${u.change} %`,
      ]),
      [0.3, 0.3, 0.2, 0.2],
      [2, 3],
    );
  else paragraph(doc, 'No business metrics for this month.');
  heading(doc, 'GPU');
  paragraph(
    doc,
    r.gpu
      ? `${moneyText(r.gpu.spend)} for ${r.gpu.gpuHours} GPU-hours; ${moneyText(r.gpu.used)} did work and ${moneyText(r.gpu.idle)} paid for idle GPUs (average utilization ${r.gpu.utilization ?? 'n/a'} %).`
      : 'No GPU usage measured this month.',
  );
  heading(doc, 'Savings');
  paragraph(
    doc,
    `${r.recommendations.open.count} open recommendation(s) worth ${moneyText(r.recommendations.open.monthlySavings)} a month; ${r.recommendations.realized.count} verified, realizing ${moneyText(r.recommendations.realized.monthlySavings)} a month.`,
  );
  table(
    doc,
    ['What to do', 'Team', 'Saving / month'],
    r.recommendations.open.top.map((o) => [o.title, o.team ?? '-', moneyText(o.saving)]),
    [0.62, 0.18, 0.2],
    [2],
  );
  heading(doc, 'Anomalies');
  if (r.anomalies.length)
    table(
      doc,
      ['Scope', 'Days', 'Impact', 'Status'],
      r.anomalies.map((a) => [
        `${a.scopeKind} ${a.scope}`,
        a.startDay === a.endDay ? a.startDay : `${a.startDay} to ${a.endDay}`,
        moneyText(a.impact),
        a.status,
      ]),
      [0.4, 0.25, 0.2, 0.15],
      [2],
    );
  else paragraph(doc, 'No anomalies this month.');
  heading(doc, 'Data freshness');
  table(
    doc,
    ['Source', 'Kind', 'Data through', 'Imported'],
    r.freshness.map((f) => [
      f.source,
      f.kind,
      f.dataThrough.slice(0, 10),
      f.importedAt?.slice(0, 16).replace('T', ' ') ?? '',
    ]),
    [0.32, 0.2, 0.22, 0.26],
    [],
  );
  doc.end();
  await done;
}
