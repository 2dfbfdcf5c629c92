import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { AuditService } from '../../src/audit/audit.service.js';
import { AllocationSnapshots } from '../../src/allocation/allocation-snapshots.js';
import { billedThrough } from '../../src/billing/billed-through.js';
import type { RecommendationView } from '../../src/recommendations/recommendation-view.js';
import {
  RecommendationsService,
  RecommendRunResult,
} from '../../src/recommendations/recommendations.service.js';
import { createSampleApp, SAMPLE_NOW } from '../support/sample-app.js';
import { bearer } from '../support/tokens.js';

const { app, base, run: first } = await createSampleApp();
const db = app.get(DataSource);
const service = app.get(RecommendationsService);
const now = SAMPLE_NOW;

type Body = Record<string, unknown>;
const call = async <T = Body>(route: string, headers: Record<string, string>, body?: unknown) => {
  const res = await fetch(`${base}${route}`, {
    method: body === undefined ? 'GET' : 'PATCH',
    headers: { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
};
const all = async (query = '') =>
  (
    await call<{ items: RecommendationView[] }>(
      `/api/recommendations?limit=1000${query}`,
      await bearer(app, 'admin'),
    )
  ).body.items;
const byName = (items: RecommendationView[], kind: string, name: string) =>
  items.find((r) => r.kind === kind && r.resourceName === name);

describe('recommendations on the bundled sample', () => {
  it('each recommender makes a sensible proposal, at effective prices, within observed peaks', async () => {
    assert.equal(
      first.window?.to,
      '2024-10-01T00:00:00.000Z',
      'the window ends with the billed data',
    );
    const items = await all();
    const resize = byName(items, 'rightsize', 'api-server-1')!;
    assert.deepEqual(resize.proposal, { from: 'm5.2xlarge', to: 'm5.xlarge' });
    assert.equal(resize.monthlySavings, '140.16');
    assert.equal(resize.team, 'web');
    assert.equal(resize.currency, 'USD');
    assert.equal(byName(items, 'idle', 'legacy-cron')?.proposal['action'], 'stop');
    assert.equal(byName(items, 'idle', 'old-bastion-ip')?.proposal['action'], 'release-address');
    assert.equal(
      byName(items, 'idle', 'pre-migration-backup')?.proposal['action'],
      'delete-snapshot',
    );
    assert.equal(byName(items, 'idle', 'staging-alb')?.proposal['action'], 'delete-load-balancer');
    // An Azure OS disk whose VM is no longer billed.
    const disk = byName(items, 'idle', 'legacy-vm_OsDisk_1_6c2f0e8a1b7d4e5f')!;
    assert.equal(disk.proposal['action'], 'delete-disk');
    assert.equal(disk.monthlySavings, '19.77'); // 0.65 a day: 9.10 in 336 hours x 730
    const spot = byName(items, 'spot', 'etl-worker-1')!;
    assert.equal(spot.monthlySavings, '297.84'); // 0.68 x 730 x 0.60
    const tier = byName(items, 'storage-tier', 'acme-logs-archive')!;
    assert.equal(tier.proposal['to'], 'S3 Glacier Instant Retrieval');
    // The notebook nobody used and the training nodes idle since 25 September are stopped.
    assert.equal(byName(items, 'gpu-rightsize', 'nb-l4-3')?.proposal['action'], 'stop');
    assert.equal(byName(items, 'gpu-rightsize', 'train-h100-0')?.proposal['action'], 'stop');
    assert.equal(byName(items, 'gpu-rightsize', 'nb-l4-0'), undefined, 'a notebook in use stays');
    const commitments = items.filter((r) => r.kind === 'commitment');
    assert.deepEqual(commitments.map((r) => r.provider).sort(), [
      'AWS',
      'Google Cloud',
      'Microsoft',
    ]);
    for (const c of commitments) {
      const e = c.evidence as { utilization: number; coverage: number };
      assert.ok(e.utilization > 0.9 && e.coverage > 0.5, JSON.stringify(e));
    }
    // No proposal goes below what was observed.
    for (const r of items.filter((x) => x.kind === 'rightsize'))
      for (const o of r.options as {
        detail: { projectedCpuP95: number; projectedMemoryPeak: number };
      }[]) {
        assert.ok(o.detail.projectedCpuP95 < 1 && o.detail.projectedMemoryPeak < 1);
      }
    for (const kind of ['rightsize', 'gpu-rightsize', 'idle', 'spot', 'commitment', 'storage-tier'])
      assert.ok(first.byKind[kind]! >= 1, kind);
    assert.ok(items.every((r) => r.status === 'open'));
  });

  it('updates instead of duplicating on the next run', async () => {
    const again = await service.run({ actor: 'test', now });
    assert.equal(again.created, 0);
    assert.equal(again.updated, first.created);
    assert.equal((await all()).length, first.created);
  });

  it('scopes leads to their teams and records decisions with reasons in the audit trail', async () => {
    const lead = await bearer(app, 'lead', ['web']);
    const mine = await call<{ items: RecommendationView[] }>('/api/recommendations', lead);
    assert.ok(mine.body.items.length >= 3);
    assert.ok(mine.body.items.every((r) => r.team === 'web'));
    const other = byName(await all(), 'storage-tier', 'acme-logs-archive')!;
    assert.equal((await call(`/api/recommendations/${other.id}`, lead)).status, 404);
    const ip = byName(mine.body.items, 'idle', 'old-bastion-ip')!;
    const noReason = await call(`/api/recommendations/${ip.id}`, lead, { status: 'dismissed' });
    assert.equal(noReason.status, 400);
    assert.match(String(noReason.body['message']), /reason/);
    const dismissed = await call<RecommendationView>(`/api/recommendations/${ip.id}`, lead, {
      status: 'dismissed',
      reason: 'expected',
      note: 'kept for the DR runbook',
    });
    assert.equal(dismissed.status, 200, JSON.stringify(dismissed.body));
    assert.equal(dismissed.body.status, 'dismissed');
    assert.equal(dismissed.body.dismissReason, 'expected');
    const [event] = await app
      .get(AuditService)
      .list({ action: 'recommendation.decided', limit: 5 });
    assert.equal(event!.target, `recommendation:${ip.id}`);
    assert.deepEqual(event!.after, {
      status: 'dismissed',
      reason: 'expected',
      note: 'kept for the DR runbook',
      until: null,
      implementedAt: null,
    });
    assert.deepEqual((event!.before as { status: string }).status, 'open');
    // A dismissed one cannot be implemented; a snooze needs a future date.
    const cron = byName(mine.body.items, 'idle', 'legacy-cron')!;
    assert.equal(
      (await call(`/api/recommendations/${ip.id}`, lead, { status: 'implemented' })).status,
      409,
    );
    assert.equal(
      (
        await call(`/api/recommendations/${cron.id}`, lead, {
          status: 'snoozed',
          until: '2020-01-01',
        })
      ).status,
      409,
    );
    const snoozed = await call<RecommendationView>(`/api/recommendations/${cron.id}`, lead, {
      status: 'snoozed',
      until: '2099-01-01',
    });
    assert.equal(snoozed.body.status, 'snoozed');
    // A run keeps both decisions.
    await service.run({ actor: 'test', now });
    const after = await all();
    assert.equal(after.find((r) => r.id === ip.id)!.status, 'dismissed');
    assert.equal(after.find((r) => r.id === cron.id)!.status, 'snoozed');
    assert.equal(
      (await call('/api/recommendations?kind=idle&status=dismissed', lead)).body['total'],
      1,
    );
  });

  it('resolves a recommendation whose condition disappeared', async () => {
    const lb = byName(await all(), 'idle', 'staging-alb')!;
    await db.query(`DELETE FROM cost_record WHERE resource_name = 'staging-alb'`);
    const run: RecommendRunResult = await service.run({ actor: 'test', now });
    assert.equal(run.resolved, 1);
    const resolved = (await all('&status=resolved')).find((r) => r.id === lb.id)!;
    assert.equal(resolved.status, 'resolved');
    assert.ok(resolved.resolvedAt);
    assert.equal(
      (await all()).find((r) => r.id === lb.id),
      undefined,
      'hidden by default',
    );
  });

  it('measures the realized saving after implementation and marks it verified', async () => {
    const resize = byName(await all(), 'rightsize', 'api-server-1')!;
    const lead = await bearer(app, 'lead', ['web']);
    const done = await call<RecommendationView>(`/api/recommendations/${resize.id}`, lead, {
      status: 'implemented',
      implementedAt: '2024-09-20T00:00:00Z',
    });
    assert.equal(done.body.status, 'implemented');
    // The bill after the change: m5.xlarge at 0.192 an hour from 21 September.
    await db.query(
      `UPDATE cost_record SET effective_cost = 4.608, billed_cost = 4.608
        WHERE resource_name = 'api-server-1' AND charge_period_start >= '2024-09-21'`,
    );
    const run = await service.run({ actor: 'test', now });
    assert.equal(run.verified, 1);
    const verified = (await all('&status=verified'))[0]!;
    assert.equal(verified.id, resize.id);
    // 0.384 - 0.192 per running hour x 730, against the estimate of 140.16.
    assert.equal(verified.realizedMonthlySavings, '140.16');
    const detail = verified.realizedDetail as { before: { rate: string }; after: { rate: string } };
    assert.equal(detail.before.rate, '0.384');
    assert.equal(detail.after.rate, '0.192');
  });

  it('a commitment purchase billed a year ahead leaves the window and open recommendations alone', async () => {
    const open = (await all()).filter((r) => r.status === 'open').map((r) => r.id);
    // A one-year commitment bought on 30 September: one Purchase line up to 30 September 2025.
    await db.query(
      `INSERT INTO cost_record
       SELECT (jsonb_populate_record(c, jsonb_build_object(
                 'charge_category', 'Purchase', 'charge_frequency', 'One-Time',
                 'charge_period_start', '2024-09-30T00:00:00Z', 'charge_period_end', '2025-09-30T00:00:00Z',
                 'commitment_discount_id', 'ri-one-year', 'billed_cost', 8760, 'effective_cost', 0,
                 'source_line', 999999))).*
         FROM cost_record c WHERE c.resource_name = 'api-server-1' LIMIT 1`,
    );
    assert.equal((await billedThrough(db, now))?.toISOString(), '2024-10-01T00:00:00.000Z');
    const run = await service.run({ actor: 'test', now });
    assert.equal(run.window?.to, '2024-10-01T00:00:00.000Z', 'the last usage day ends the window');
    assert.equal(run.resolved, 0);
    const stillOpen = (await all()).filter((r) => r.status === 'open').map((r) => r.id);
    assert.deepEqual(stillOpen.sort(), open.sort());
    // The reports' freshness says the same: data through the last usage day.
    const freshness = await app.get(AllocationSnapshots).freshness('2024-09');
    assert.ok(freshness.length > 0);
    for (const f of freshness)
      assert.ok(f.dataThrough.slice(0, 10) <= '2024-10-01', JSON.stringify(f));
  });
});
