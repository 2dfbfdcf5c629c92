import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createHttpApp } from '../../src/http-app.js';
import { testConfig, testLogger } from '../support/test-app.js';
import { createTestDatabase } from '../support/test-db.js';
import { bearer } from '../support/tokens.js';

const app = await createHttpApp(testConfig(await createTestDatabase()), testLogger());
await app.listen(0, '127.0.0.1');
after(() => app.close());
const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
const token = (await bearer(app, 'lead', ['web'])).authorization.slice('Bearer '.length);
const form = (t: string) =>
  fetch(`${base}/login`, {
    method: 'POST',
    body: new URLSearchParams({ token: t }),
    redirect: 'manual',
  });

describe('web sign-in', () => {
  it('serves an accessible login form without a token', async () => {
    const res = await fetch(`${base}/login`);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /<label for="token">API token<\/label>/);
    assert.match(html, /<input id="token" name="token" type="password"/);
  });

  it('sends a browser that is not signed in to the login page; API clients get 401', async () => {
    const page = await fetch(`${base}/`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), '/login');
    assert.equal(
      (await fetch(`${base}/api/costs`, { headers: { accept: 'application/json' } })).status,
      401,
    );
  });

  it('refuses a bad token without setting a cookie', async () => {
    const res = await form('fcb_wrong');
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('set-cookie'), null);
    assert.match(await res.text(), /role="alert"/);
  });

  it('sets an HttpOnly, SameSite=Strict session cookie that authenticates later requests', async () => {
    const res = await form(token);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/');
    const cookie = res.headers.get('set-cookie')!;
    assert.match(
      cookie,
      /^finops_session=[^;]+; HttpOnly; SameSite=Strict; Path=\/; Max-Age=28800$/,
    );
    const session = cookie.split(';')[0]!;
    const home = await fetch(`${base}/`, { headers: { cookie: session } });
    assert.equal(home.status, 200);
    const text = await home.text();
    assert.match(text, /<h1>Overview<\/h1>/);
    assert.match(text, /<span class="who">test-lead-web \(lead: web\)<\/span>/);
    assert.equal(
      (await fetch(`${base}/api/imports`, { headers: { cookie: session } })).status,
      403,
    );
    assert.equal((await fetch(`${base}/`)).status, 401);
    const out = await fetch(`${base}/logout`, {
      method: 'POST',
      headers: { cookie: session },
      redirect: 'manual',
    });
    assert.match(out.headers.get('set-cookie')!, /^finops_session=; .*Max-Age=0/);
  });
});
