import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { AllocationResults } from '../../src/allocation/allocation-results.service.js';
import { moneyText } from '../../src/web/html.js';
import { ARTIFACTS, launchBrowser, SKIP_BROWSER } from '../support/browser.js';
import { createSampleApp } from '../support/sample-app.js';
import { bearer } from '../support/tokens.js';

const hasPdftoppm = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v pdftoppm']);
    return true;
  } catch {
    return false;
  }
})();
const SKIP_PDF = hasPdftoppm
  ? false
  : 'pdftoppm is not installed (apt-get install -y poppler-utils); the PDF cannot be checked';
if (SKIP_PDF) console.log(`# SKIP executive PDF check: ${SKIP_PDF}`);

const dir = mkdtempSync(path.join(os.tmpdir(), 'finops-exec-'));
const { app, base } = await createSampleApp({ reportsDir: path.join(dir, 'reports') });
const executive = await bearer(app, 'executive');
const get = (route: string, headers = executive) => fetch(`${base}${route}`, { headers });

/** Share of pixels that are not near-white in a binary PPM (P6) image. */
function inkShare(ppm: Buffer): number {
  const header = ppm.subarray(0, 32).toString('latin1');
  const m = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(header)!;
  const pixels = Number(m[1]) * Number(m[2]);
  let ink = 0;
  for (let i = m[0].length; i + 2 < ppm.length; i += 3)
    if (ppm[i]! < 200 || ppm[i + 1]! < 200 || ppm[i + 2]! < 200) ink++;
  return ink / pixels;
}

describe('the monthly executive report', () => {
  it('HTML: headline numbers equal the API, charts inline, nothing loaded from elsewhere', async () => {
    const res = await get('/api/reports/executive/2024-09.html');
    assert.equal(res.status, 200);
    const html = await res.text();
    const costs = async (basis: string) =>
      (
        (await (await get(`/api/costs?period=2024-09&basis=${basis}`)).json()) as {
          totals: { cost: string }[];
        }
      ).totals[0]!.cost;
    const cents = (v: string) => moneyText((Math.round(Number(v) * 100) / 100).toFixed(2));
    assert.match(
      html,
      new RegExp(`id="total-effective">${cents(await costs('effective')).replace('.', '\\.')}<`),
    );
    assert.match(
      html,
      new RegExp(`id="total-billed">${cents(await costs('billed')).replace('.', '\\.')}<`),
    );
    assert.equal(html.match(/<svg /g)?.length, 2, 'trend and teams charts');
    assert.doesNotMatch(html, /(src|href)="https?:/, 'self-contained');
    assert.match(html, /<h1>Cloud spend, September 2024<\/h1>/);
    assert.match(html, /id="variance-volume">[+-]?[\d,]+\.\d\d</, 'the change split into effects');
    const gpu = (await (await get('/api/gpu/efficiency?period=2024-09')).json()) as {
      total: { effectiveCost: string };
    };
    assert.match(
      html,
      new RegExp(`id="gpu-spend">${moneyText(gpu.total.effectiveCost).replace('.', '\\.')}<`),
    );
    writeFileSync(path.join(dir, 'report.html'), html);
    assert.equal(
      (await get('/api/reports/executive/2024-09.html', await bearer(app, 'lead', ['web']))).status,
      403,
    );
    assert.equal((await get('/api/reports/executive/2024-13.pdf')).status, 404);
  });

  it('PDF: drawn without a browser, pages non-blank', { skip: SKIP_PDF }, async () => {
    const res = await get('/api/reports/executive/2024-09.pdf');
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    const pages = Number(/\/Type \/Pages\s*\/Count (\d+)/.exec(pdf.toString('latin1'))![1]);
    assert.ok(pages >= 3, `headline page and detail pages: ${pages}`);
    const file = path.join(dir, 'report.pdf');
    writeFileSync(file, pdf);
    execFileSync('pdftoppm', ['-r', '40', file, path.join(dir, 'page')]);
    const images = readdirSync(dir)
      .filter((f) => /^page-\d+\.ppm$/.test(f))
      .sort();
    assert.equal(images.length, pages, 'pdftoppm renders every page');
    for (const img of images) {
      const share = inkShare(readFileSync(path.join(dir, img)));
      assert.ok(share > 0.01, `${img} is blank (${share})`);
    }
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '60',
      '-f',
      '1',
      '-l',
      '1',
      file,
      path.join(ARTIFACTS, 'executive-report-pdf'),
    ]);
  });

  it('is written to reports/<period>/ with the chargeback workbook when the period is closed', async () => {
    const r = await app.get(AllocationResults).close('2024-09', { name: 'test' });
    const folder = path.join(dir, 'reports', '2024-09');
    assert.deepEqual(
      [...r.reports].sort(),
      ['chargeback-2024-09.xlsx', 'executive-2024-09.html', 'executive-2024-09.pdf'].map((f) =>
        path.join(folder, f),
      ),
    );
    for (const f of r.reports) assert.ok(existsSync(f), f);
    assert.deepEqual(
      readdirSync(folder).filter((f) => f.endsWith('.partial')),
      [],
    );
  });

  it('opens in a browser', { skip: SKIP_BROWSER }, async () => {
    const browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.setExtraHTTPHeaders(executive);
    await page.goto(`${base}/api/reports/executive/2024-09.html`);
    assert.equal(await page.locator('h1').textContent(), 'Cloud spend, September 2024');
    assert.equal(await page.locator('figure svg').count(), 2);
    await page.screenshot({ path: path.join(ARTIFACTS, 'executive-report.png'), fullPage: true });
  });
});
