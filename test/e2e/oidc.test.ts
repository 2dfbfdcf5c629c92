import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createHttpApp } from '../../src/http-app.js';
import { FocusFileImportService } from '../../src/ingestion/focus-file/focus-file-import.service.js';
import { fixture } from '../support/fixtures.js';
import { testConfig, testLogger } from '../support/test-app.js';
import { createTestDatabase } from '../support/test-db.js';

// A local identity provider: an RS256 key pair whose public half is served as a JWKS on loopback.
const { privateKey, publicKey } = await generateKeyPair('RS256');
const other = await generateKeyPair('RS256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
const jwks = createServer((_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ keys: [jwk] }));
});
await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
after(() => jwks.close());
const issuer = 'https://idp.example.test';
const audience = 'finops-chargeback';
const jwksUrl = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/jwks`;

const config = testConfig(await createTestDatabase(), {
  oidc: {
    issuer,
    audience,
    jwksUrl,
    claims: { roleClaim: 'finops_role', teamsClaim: 'finops_teams', nameClaims: ['email', 'sub'] },
  },
});
const app = await createHttpApp(config, testLogger());
await app.listen(0, '127.0.0.1');
after(() => app.close());
const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
await app
  .get(FocusFileImportService)
  .importFile({ path: fixture('messy-focus-1.2-two-periods.csv'), source: 'm', trigger: 'cli' });

function jwt(
  claims: Record<string, unknown>,
  opts: { key?: typeof privateKey; aud?: string; exp?: string | number } = {},
) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(issuer)
    .setAudience(opts.aud ?? audience)
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? '5m')
    .sign(opts.key ?? privateKey);
}
const costs = async (token: string) =>
  fetch(`${base}/api/costs?period=2024-09&basis=billed`, {
    headers: { authorization: `Bearer ${token}` },
  });

describe('OIDC/JWT bearer tokens', () => {
  it('accept a valid token and map its claims to a role', async () => {
    const res = await costs(
      await jwt({ sub: 'u-1', email: 'fin@example.test', finops_role: 'finance' }),
    );
    assert.equal(res.status, 200);
    assert.equal(
      ((await res.json()) as { totals: { cost: string }[] }).totals[0]!.cost,
      '34.0026001',
    );
  });

  it('scope a lead to the teams claim', async () => {
    const res = await costs(await jwt({ sub: 'u-2', finops_role: 'lead', finops_teams: ['web'] }));
    assert.equal(((await res.json()) as { totals: { cost: string }[] }).totals[0]!.cost, '32.7726');
  });

  it('refuse expired tokens, other audiences, other keys, and tokens without a role', async () => {
    const claims = { sub: 'u-3', finops_role: 'finance' };
    assert.equal(
      (await costs(await jwt(claims, { exp: Math.floor(Date.now() / 1000) - 120 }))).status,
      401,
    );
    assert.equal((await costs(await jwt(claims, { aud: 'someone-else' }))).status, 401);
    assert.equal((await costs(await jwt(claims, { key: other.privateKey }))).status, 401);
    assert.equal((await costs(await jwt({ sub: 'u-4' }))).status, 401);
  });

  it('apply the route decision to the mapped role', async () => {
    const exec = await jwt({ sub: 'u-5', finops_role: 'executive' });
    const res = await fetch(`${base}/api/imports`, {
      headers: { authorization: `Bearer ${exec}` },
    });
    assert.equal(res.status, 403);
  });
});
