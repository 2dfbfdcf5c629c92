import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { ARTIFACTS, launchBrowser, SKIP_BROWSER } from '../support/browser.js';
import { createSampleApp } from '../support/sample-app.js';
import { bearer } from '../support/tokens.js';

describe('the web pages in a browser', { skip: SKIP_BROWSER }, () => {
  it('finance signs in, walks every page, downloads the workbook and opens the executive report', async () => {
    const { app, base } = await createSampleApp();
    const header = await bearer(app, 'finance');
    const token = header.authorization.replace('Bearer ', '');

    const browser = await launchBrowser();
    const page = await browser.newPage({
      viewport: { width: 1366, height: 900 },
      acceptDownloads: true,
    });
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${base}/login`);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/`);
    // The overview's spend tile is the API's total for the latest period.
    const costs = (await (
      await fetch(`${base}/api/costs?period=2024-09`, { headers: header })
    ).json()) as {
      totals: { cost: string }[];
    };
    const spend = Number(costs.totals[0]!.cost).toLocaleString('en-US', {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    assert.match(
      (await page.locator('.tile .value').first().textContent())!,
      new RegExp(`^${spend.replace('.', '\\.')} USD$`),
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'page-overview.png'), fullPage: true });

    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const [label, file] of [
      ['Recommendations', 'page-recommendations'],
      ['Chargeback', 'page-chargeback'],
      ['GPU efficiency', 'page-gpu'],
      ['Reports', 'page-reports'],
      ['Imports', 'page-imports'],
      ['Settings', 'page-settings'],
    ] as const) {
      await nav.getByRole('link', { name: label }).click();
      await page.waitForLoadState();
      assert.equal(await page.locator('h1').first().textContent(), label);
      assert.equal(await nav.locator('[aria-current="page"]').textContent(), label);
      await page.screenshot({ path: path.join(ARTIFACTS, `${file}.png`), fullPage: true });
    }

    await nav.getByRole('link', { name: 'Chargeback' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Download the chargeback workbook/ }).click(),
    ]);
    const saved = path.join(ARTIFACTS, 'chargeback-2024-09.xlsx');
    await download.saveAs(saved);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(saved);
    assert.ok(
      wb.getWorksheet('Summary') && wb.getWorksheet('Reconciliation'),
      'the finance workbook',
    );

    await nav.getByRole('link', { name: 'Reports' }).click();
    await page.locator('tr', { hasText: '2024-09' }).getByRole('link', { name: 'view' }).click();
    assert.equal(await page.locator('h1').textContent(), 'Cloud spend, September 2024');
    assert.deepEqual(violations, [], 'every page works under its Content-Security-Policy');
  });
});
