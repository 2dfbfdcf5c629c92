import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ModulesContainer } from '@nestjs/core';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { FailureLimiter } from '../../src/auth/failure-limiter.js';
import { PUBLIC_KEY, ROLES_KEY } from '../../src/auth/access.decorators.js';
import { Role, ROLES } from '../../src/auth/roles.js';
import { createHttpApp } from '../../src/http-app.js';
import { testConfig, testLogger } from '../support/test-app.js';
import { createTestDatabase } from '../support/test-db.js';
import { bearer } from '../support/tokens.js';

/**
 * The access decision of every route. A route the router has that is missing here, or whose
 * decision differs, fails the test: adding a route means deciding who may call it.
 */
const EXPECTED: Record<string, 'public' | Role[]> = {
  'GET /health': 'public',
  'GET /login': 'public',
  'POST /login': 'public',
  'POST /logout': 'public',
  'GET /': ['admin', 'finance', 'lead', 'executive', 'service'],
  'GET /api/costs': ['admin', 'finance', 'executive', 'lead'],
  'GET /api/gpu/efficiency': ['admin', 'finance', 'executive', 'lead'],
  'GET /api/allocation': ['admin', 'finance', 'executive', 'lead'],
  'GET /api/allocation/explain': ['admin', 'finance', 'executive', 'lead'],
  'GET /api/business-metrics': ['admin', 'finance', 'executive', 'lead'],
  'POST /api/business-metrics': ['admin', 'finance', 'service'],
  'POST /api/business-metrics/upload': ['admin', 'finance', 'service'],
  'GET /api/unit-costs': ['admin', 'finance', 'executive', 'lead'],
  'GET /api/periods': ['admin', 'finance', 'executive'],
  'POST /api/periods/:period/close': ['admin', 'finance'],
  'GET /api/reports/chargeback/:file': ['admin', 'finance', 'executive', 'lead'],
  'GET /api/reports/executive/:file': ['admin', 'finance', 'executive'],
  'GET /api/recommendations': ['admin', 'finance', 'executive', 'lead'],
  'GET /api/recommendations/:id': ['admin', 'finance', 'executive', 'lead'],
  'PATCH /api/recommendations/:id': ['admin', 'lead'],
  'POST /api/recommendations/run': ['admin', 'service'],
  'POST /anomalies/:id': ['admin', 'finance', 'lead'],
  'GET /chargeback': ['admin', 'finance', 'executive', 'lead'],
  'GET /gpu': ['admin', 'finance', 'executive', 'lead'],
  'GET /reports': ['admin', 'finance', 'executive'],
  'GET /imports': ['admin', 'finance', 'service'],
  'GET /settings': ['admin', 'finance'],
  'GET /recommendations': ['admin', 'finance', 'executive', 'lead'],
  'GET /recommendations/:id': ['admin', 'finance', 'executive', 'lead'],
  'POST /recommendations/:id': ['admin', 'lead'],
  'GET /api/anomalies': ['admin', 'finance', 'executive', 'lead'],
  'PATCH /api/anomalies/:id': ['admin', 'finance', 'lead'],
  'POST /api/anomalies/detect': ['admin', 'service'],
  'GET /api/forecast': ['admin', 'finance', 'executive', 'lead'],
  'GET /api/imports': ['admin', 'finance', 'service'],
  'POST /api/imports': ['admin', 'service'],
  'GET /api/audit': ['admin'],
  'GET /metrics': ['admin', 'service'],
  'GET /api/sources': ['admin', 'finance', 'service'],
  'POST /api/sources/:name/import': ['admin', 'service'],
};

const app = await createHttpApp(testConfig(await createTestDatabase()), testLogger());
await app.listen(0, '127.0.0.1');
after(() => app.close());
const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');

/** Every route Nest registered, with the decision its decorators make. */
function routes(): Map<string, 'public' | Role[] | undefined> {
  const found = new Map<string, 'public' | Role[] | undefined>();
  for (const mod of app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const ctrl = wrapper.metatype as (new (...a: never[]) => object) | null;
      if (!ctrl) continue;
      const prefix = String(Reflect.getMetadata(PATH_METADATA, ctrl) ?? '');
      for (const key of Object.getOwnPropertyNames(ctrl.prototype)) {
        const handler = (ctrl.prototype as Record<string, unknown>)[key];
        if (key === 'constructor' || typeof handler !== 'function') continue;
        if (!Reflect.hasMetadata(PATH_METADATA, handler)) continue;
        const sub = String(Reflect.getMetadata(PATH_METADATA, handler));
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const path = `/${[prefix, sub].filter((p) => p && p !== '/').join('/')}`.replace(
          /\/+/g,
          '/',
        );
        const isPublic =
          Reflect.getMetadata(PUBLIC_KEY, handler) ?? Reflect.getMetadata(PUBLIC_KEY, ctrl);
        const roles = (Reflect.getMetadata(ROLES_KEY, handler) ??
          Reflect.getMetadata(ROLES_KEY, ctrl)) as Role[] | undefined;
        found.set(`${method} ${path}`, isPublic ? 'public' : roles);
      }
    }
  }
  return found;
}

describe('authorization matrix', () => {
  it('every route has an explicit access decision, and it is the expected one', () => {
    const actual = Object.fromEntries(routes());
    assert.deepEqual(actual, EXPECTED);
  });

  it('every role gets the expected status on every route, and no token gets 401', async () => {
    const headers = Object.fromEntries(
      await Promise.all(
        ROLES.map(
          async (r) => [r, await bearer(app, r, r === 'lead' ? ['web'] : undefined)] as const,
        ),
      ),
    ) as Record<Role, { authorization: string }>;
    for (const [route, decision] of Object.entries(EXPECTED)) {
      const [method, path] = route.split(' ') as [string, string];
      const call = (h?: Record<string, string>) =>
        fetch(`${base}${path}`, { method, headers: h }).then((r) => r.status);
      if (decision === 'public') {
        assert.ok([200, 303, 401].includes(await call()), route); // login answers 401 to an empty form
        continue;
      }
      assert.equal(await call(), 401, `${route} without a token`);
      assert.equal(
        await call({ authorization: 'Bearer fcb_not-a-real-token' }),
        401,
        `${route} with a bad token`,
      );
      // Every route gets a bad token; the per-client limit on failures is not under test here.
      app.get(FailureLimiter).clear();
      for (const role of ROLES) {
        const status = await call(headers[role]);
        if (decision.includes(role)) {
          assert.ok(status !== 401 && status !== 403, `${route} as ${role}: ${status}`);
        } else {
          assert.equal(status, 403, `${route} as ${role}`);
        }
      }
    }
  });
});
