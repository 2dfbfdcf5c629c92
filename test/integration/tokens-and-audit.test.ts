import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuditService } from '../../src/audit/audit.service.js';
import { Principal } from '../../src/auth/roles.js';
import { hashTokenSecret } from '../../src/auth/token-secret.js';
import { TokensService } from '../../src/auth/tokens.service.js';
import { allocatedCostReport } from '../../src/allocation/allocated-costs.js';
import { AllocationResults } from '../../src/allocation/allocation-results.service.js';
import { CostsService } from '../../src/billing/costs.service.js';
import { FocusFileImportService } from '../../src/ingestion/focus-file/focus-file-import.service.js';
import { fixture } from '../support/fixtures.js';
import { createTestContext } from '../support/test-app.js';

const { app, db } = await createTestContext();
const tokens = app.get(TokensService);
const audit = app.get(AuditService);
const alice: Principal = { name: 'alice', role: 'admin', teams: [] };

describe('API tokens', () => {
  it('store only a SHA-256 hash of the secret and resolve to their principal', async () => {
    const { token, secret } = await tokens.create({ name: 'ci', role: 'service' }, alice);
    assert.match(secret, /^fcb_[A-Za-z0-9_-]{43}$/);
    const rows = (await db.query(`SELECT * FROM api_token WHERE id = $1`, [token.id])) as Record<
      string,
      unknown
    >[];
    assert.equal(rows[0]!['token_hash'], hashTokenSecret(secret));
    assert.ok(!JSON.stringify(rows).includes(secret.slice(4)), 'the secret itself is not stored');
    assert.deepEqual((await tokens.verify(secret))?.principal, {
      name: 'ci',
      role: 'service',
      teams: [],
    });
    assert.equal(await tokens.verify(`${secret}x`), null);
    const [used] = await tokens.list().then((l) => l.filter((t) => t.id === token.id));
    assert.ok(used!.lastUsedAt, 'last use is recorded');
  });

  it('stop working when expired or revoked', async () => {
    const expired = await tokens.create(
      { name: 'old', role: 'finance', expiresAt: new Date(Date.now() - 1000) },
      alice,
    );
    assert.equal(await tokens.verify(expired.secret), null);
    const later = await tokens.create(
      { name: 'later', role: 'finance', expiresAt: new Date(Date.now() + 60_000) },
      alice,
    );
    assert.equal((await tokens.verify(later.secret))?.principal.role, 'finance');
    assert.equal(await tokens.verify(later.secret, new Date(Date.now() + 120_000)), null);
    assert.equal(await tokens.revoke('later', alice), true);
    assert.equal(await tokens.verify(later.secret), null);
    assert.equal(await tokens.revoke('later', alice), false, 'already revoked');
  });

  it('require teams for a lead and refuse them for other roles', async () => {
    await assert.rejects(tokens.create({ name: 'l', role: 'lead' }, alice), /needs --teams/);
    await assert.rejects(
      tokens.create({ name: 'f', role: 'finance', teams: ['x'] }, alice),
      /only a lead/,
    );
    const lead = await tokens.create({ name: 'web-lead', role: 'lead', teams: ['web'] }, alice);
    assert.deepEqual((await tokens.verify(lead.secret))?.principal.teams, ['web']);
  });
});

describe('team scoping', () => {
  it("gives a lead their teams' allocated cost (the built-in rule: the team tag)", async () => {
    await app.get(FocusFileImportService).importFile({
      path: fixture('messy-focus-1.2-two-periods.csv'),
      source: 'messy',
      trigger: 'cli',
      actor: alice,
    });
    const costs = app.get(CostsService);
    const all = await costs.report('2024-09', null, 'billed');
    assert.equal(all.totals[0]!.cost, '34.0026001');
    const allocation = await app.get(AllocationResults).get('2024-09');
    const web = allocatedCostReport(allocation, ['web'], 'service', 'billed');
    assert.equal(web.view, 'allocated');
    assert.deepEqual(web.totals, [{ currency: 'USD', cost: '32.7726', rows: 1 }]);
    assert.deepEqual(
      web.groups.map((g) => [g.key, g.cost]),
      [['Amazon Elastic Compute Cloud', '32.7726']],
    );
    assert.deepEqual(allocatedCostReport(allocation, ['nobody'], null, 'billed').totals, []);
  });
});

describe('audit trail', () => {
  it('records token creation and revocation and triggered imports, newest first, filterable', async () => {
    const events = await audit.list({ limit: 100 });
    const actions = events.map((e) => e.action);
    assert.ok(actions.includes('token.created'));
    assert.ok(actions.includes('token.revoked'));
    const [imported] = await audit.list({ action: 'import.triggered', limit: 10 });
    assert.equal(imported!.actor, 'alice');
    assert.equal(imported!.target, 'source:messy');
    assert.deepEqual((imported!.after as { file: string }).file, 'messy-focus-1.2-two-periods.csv');
    const revoked = await audit.list({ action: 'token.revoked', limit: 10 });
    assert.deepEqual(revoked[0]!.before, { name: 'later', role: 'finance' });
    assert.equal((await audit.list({ actor: 'nobody', limit: 10 })).length, 0);
    const created = await audit.list({ action: 'token.created', limit: 100 });
    assert.ok(
      created.every((e) => !JSON.stringify(e).includes('fcb_')),
      'no secret in the audit trail',
    );
  });
});
