import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { AuditService } from '../../src/audit/audit.service.js';
import { RecommendationsService } from '../../src/recommendations/recommendations.service.js';
import { ARTIFACTS, launchBrowser, SKIP_BROWSER } from '../support/browser.js';
import { createSampleApp } from '../support/sample-app.js';
import { bearer } from '../support/tokens.js';

describe('the Recommendations page in a browser', { skip: SKIP_BROWSER }, () => {
  it('signs a lead in, shows only their team, and records a dismissal with its reason', async () => {
    const { app, base } = await createSampleApp();
    const token = (await bearer(app, 'lead', ['web'])).authorization.replace('Bearer ', '');

    const browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(`${base}/recommendations`);
    assert.match(page.url(), /\/login$/, 'a browser without a session is sent to sign in');
    await page.getByLabel('API token').fill(token);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/`);
    await page.getByRole('link', { name: 'Recommendations', exact: true }).first().click();
    await page.waitForURL(`${base}/recommendations`);
    const teams = await page.locator('tbody tr td:nth-child(3)').allTextContents();
    assert.ok(teams.length >= 3, `rows: ${teams.length}`);
    assert.deepEqual([...new Set(teams)], ['web'], 'a lead sees their team only');
    await page.screenshot({
      path: path.join(ARTIFACTS, 'recommendations-lead.png'),
      fullPage: true,
    });

    await page.getByRole('link', { name: /Release the unused address old-bastion-ip/ }).click();
    await page.getByLabel('Reason').selectOption('expected');
    await page.getByLabel('Note').fill('kept for the DR runbook');
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await page.waitForURL(/\?done=1$/);
    assert.equal(await page.getByRole('status').textContent(), 'Saved.');
    assert.equal(
      await page.locator('#status').textContent(),
      'dismissed (expected): kept for the DR runbook',
    );
    const history = await page.locator('h2:has-text("History") + ol li').first().textContent();
    assert.match(
      history!,
      /test-lead-web \(lead\): decided: dismissed \(expected\) “kept for the DR runbook”/,
    );
    await page.screenshot({
      path: path.join(ARTIFACTS, 'recommendation-dismissed.png'),
      fullPage: true,
    });

    const [event] = await app
      .get(AuditService)
      .list({ action: 'recommendation.decided', limit: 1 });
    assert.equal(event!.actor, 'test-lead-web');
    assert.deepEqual((event!.after as { reason: string }).reason, 'expected');

    // Filters are labelled controls; a dismissed one shows under its status.
    await page.goto(`${base}/recommendations`);
    await page.getByLabel('Status').selectOption('dismissed');
    await page.getByRole('button', { name: 'Show' }).click();
    assert.deepEqual(await page.locator('tbody tr td:nth-child(2)').allTextContents(), [
      'Release the unused address old-bastion-ip',
    ]);
    // Another team's recommendation is not found for this lead.
    const others = await app
      .get(RecommendationsService)
      .list({ team: 'search', limit: 1 }, { kind: 'all' });
    const res = await page.goto(`${base}/recommendations/${others.items[0]!.id}`);
    assert.equal(res!.status(), 404);
  });
});
