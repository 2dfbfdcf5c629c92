import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { after, describe, it } from 'node:test';
import { createHttpApp, listen } from '../../src/http-app.js';
import { launchBrowser, SKIP_BROWSER } from '../support/browser.js';
import { testConfig, testLogger } from '../support/test-app.js';
import { createTestDatabase } from '../support/test-db.js';
import { bearer } from '../support/tokens.js';

const config = testConfig(await createTestDatabase(), { port: 0 });
const app = await createHttpApp(config, testLogger());
await listen(app, config);
after(() => app.close());
const address = (app.getHttpServer() as Server).address() as AddressInfo;
const base = `http://127.0.0.1:${address.port}`;

const PAGE_CSP =
  "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function assertCommonHeaders(res: Response, what: string) {
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff', what);
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer', what);
  assert.equal(res.headers.get('x-frame-options'), 'DENY', what);
  assert.equal(res.headers.get('x-powered-by'), null, what);
}

describe('the service on the network', () => {
  it('listens on 127.0.0.1 unless HOST says otherwise', () => {
    assert.equal(config.host, '127.0.0.1', 'the default HOST');
    assert.equal(address.address, '127.0.0.1');
  });

  it('sends a strict Content-Security-Policy and the safety headers on pages and API answers', async () => {
    const page = await fetch(`${base}/login`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-security-policy'), PAGE_CSP);
    assertCommonHeaders(page, 'page');
    const api = await fetch(`${base}/api/costs?period=2024-09`, {
      headers: await bearer(app, 'finance'),
    });
    assert.equal(api.status, 200);
    assert.equal(api.headers.get('content-security-policy'), PAGE_CSP);
    assertCommonHeaders(api, 'API');
    const refused = await fetch(`${base}/api/costs`);
    assert.equal(refused.status, 401);
    assertCommonHeaders(refused, 'an error answer');
  });

  it('gives the API docs a policy that allows their own scripts, styles and images', async () => {
    const docs = await fetch(`${base}/api/docs`);
    assert.equal(docs.status, 200);
    const csp = docs.headers.get('content-security-policy')!;
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assertCommonHeaders(docs, 'docs');
    const html = await docs.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(assets.length >= 4, 'scripts, stylesheet and icons');
    for (const asset of assets) {
      const res = await fetch(new URL(asset, `${base}/api/docs/`));
      assert.equal(res.status, 200, asset);
    }
  });

  it(
    'the API docs render in a browser without a policy violation',
    { skip: SKIP_BROWSER },
    async () => {
      const browser = await launchBrowser();
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      await page.goto(`${base}/api/docs`);
      await page.locator('.swagger-ui .info .title').waitFor();
      assert.match(
        (await page.locator('.swagger-ui .info .title').textContent())!,
        /finops-chargeback/,
      );
      await page.goto(`${base}/login`);
      await page.getByLabel('API token').fill('fcb_wrong');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('[role="alert"]').waitFor();
      assert.deepEqual(violations, []);
    },
  );
});
