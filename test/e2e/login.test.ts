import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { FailureLimiter } from '../../src/auth/failure-limiter.js';
import { TokensService } from '../../src/auth/tokens.service.js';
import { loadConfig } from '../../src/config/app-config.js';
import { createHttpApp } from '../../src/http-app.js';
import { testConfig, testLogger } from '../support/test-app.js';
import { createTestDatabase } from '../support/test-db.js';
import { bearer } from '../support/tokens.js';

const app = await createHttpApp(testConfig(await createTestDatabase()), testLogger());
await app.listen(0, '127.0.0.1');
after(() => app.close());
const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
const token = (await bearer(app, 'lead', ['web'])).authorization.slice('Bearer '.length);
const db = app.get(DataSource);
const ADMIN = { name: 'test', role: 'admin' as const, teams: [] };
const form = (t: string) =>
  fetch(`${base}/login`, {
    method: 'POST',
    body: new URLSearchParams({ token: t }),
    redirect: 'manual',
  });
/** Signs in with a token; the `finops_session=...` pair to send back. */
async function signIn(t: string): Promise<string> {
  const res = await form(t);
  assert.equal(res.status, 303);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

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

  it('sets an HttpOnly, SameSite=Strict cookie holding a session id, not the token', async () => {
    const res = await form(token);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/');
    const cookie = res.headers.get('set-cookie')!;
    assert.match(
      cookie,
      /^finops_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=43200$/,
    );
    const session = cookie.split(';')[0]!;
    assert.ok(!session.includes(token.slice(4)), 'the cookie does not carry the API token');
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
  });

  it('logout ends the session on the server: the old cookie no longer signs in', async () => {
    const session = await signIn(token);
    assert.equal((await fetch(`${base}/`, { headers: { cookie: session } })).status, 200);
    const out = await fetch(`${base}/logout`, {
      method: 'POST',
      headers: { cookie: session },
      redirect: 'manual',
    });
    assert.equal(out.status, 303);
    assert.match(out.headers.get('set-cookie')!, /^finops_session=; .*Max-Age=0/);
    const page = await fetch(`${base}/`, {
      headers: { cookie: session, accept: 'text/html' },
      redirect: 'manual',
    });
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), '/login');
    assert.equal((await fetch(`${base}/api/costs`, { headers: { cookie: session } })).status, 401);
  });

  it('refuses an expired session and the sessions of a revoked token', async () => {
    const expired = await signIn(token);
    await db.query(
      `UPDATE web_session SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [createHash('sha256').update(expired.split('=')[1]!).digest('hex')],
    );
    assert.equal((await fetch(`${base}/api/costs`, { headers: { cookie: expired } })).status, 401);

    const other = (await bearer(app, 'finance')).authorization.slice('Bearer '.length);
    const session = await signIn(other);
    const imports = () => fetch(`${base}/api/imports`, { headers: { cookie: session } });
    assert.equal((await imports()).status, 200);
    assert.ok(await app.get(TokensService).revoke('test-finance', ADMIN));
    assert.equal((await imports()).status, 401);
  });

  it('answers a malformed session cookie with 401 (or the login page), never a 500', async () => {
    app.get(FailureLimiter).clear(); // the earlier tests' bad credentials count toward the limit
    for (const value of ['%', '%E0%A4%A', 'a;b', 'x'.repeat(5000)]) {
      const cookie = `finops_session=${value}`;
      const api = await fetch(`${base}/api/costs`, { headers: { cookie } });
      assert.equal(api.status, 401, value.slice(0, 20));
      const page = await fetch(`${base}/`, {
        headers: { cookie, accept: 'text/html' },
        redirect: 'manual',
      });
      assert.equal(page.status, 303, value.slice(0, 20));
    }
  });

  it('reads the session lifetime from FINOPS_SESSION_TTL (12 h by default)', () => {
    assert.equal(loadConfig({ FINOPS_CONFIG_DIR: '/nonexistent' }).sessionTtlMs, 12 * 3_600_000);
    assert.equal(
      loadConfig({ FINOPS_CONFIG_DIR: '/nonexistent', FINOPS_SESSION_TTL: '30m' }).sessionTtlMs,
      1_800_000,
    );
    assert.throws(
      () => loadConfig({ FINOPS_CONFIG_DIR: '/nonexistent', FINOPS_SESSION_TTL: 'soon' }),
      /FINOPS_SESSION_TTL/,
    );
  });
});
