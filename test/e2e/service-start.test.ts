import { Decimal } from 'decimal.js';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  freePort,
  freshFetch,
  freshMachineEnv,
  runCli,
  startService,
} from '../support/service-process.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'finops-start-'));
chmodSync(dataDir, 0o755);
after(() => rmSync(dataDir, { recursive: true, force: true }));

const env = (port: number) => freshMachineEnv(port, dataDir);

async function start(port: number) {
  const service = await startService(env(port));
  const token = /Admin API token[^\n]*\n\s+(fcb_\S+)/.exec(service.log())?.[1];
  return { ...service, headers: token ? { authorization: `Bearer ${token}` } : undefined };
}

describe('npm start on a fresh machine', () => {
  it('starts embedded PostgreSQL, loads the sample data, shares the server with the CLI, and stops cleanly on Ctrl-C', async () => {
    const port = await freePort();
    const service = await start(port);
    // The first start prints a one-time admin token; every data route needs it.
    assert.ok(service.headers, `no admin token printed:\n${service.log()}`);
    assert.equal((await freshFetch(`http://127.0.0.1:${port}/api/costs`)).status, 401);
    const headers = service.headers;
    const costs = (await (
      await freshFetch(`http://127.0.0.1:${port}/api/costs?basis=billed`, { headers })
    ).json()) as { period: string; totals: { cost: string }[] };
    assert.equal(costs.period, '2024-09');
    // AWS (FOCUS sample) + Azure + GCP samples, the GPU machines and the optimization sample
    // (1,143.804: eight resources for 30 days and a snapshot), side by side in September 2024
    assert.equal(costs.totals[0]!.cost, '11976.391960806921842802');
    // The sample's recommendations are made at first start, one kind per recommender at least.
    const recs = (await (
      await freshFetch(`http://127.0.0.1:${port}/api/recommendations`, { headers })
    ).json()) as { items: { kind: string }[] };
    assert.equal(new Set(recs.items.map((r) => r.kind)).size, 6);
    const gpu = (await (
      await freshFetch(`http://127.0.0.1:${port}/api/gpu/efficiency?period=2024-09&groupBy=team`, {
        headers,
      })
    ).json()) as { total: { effectiveCost: string; gpuHours: string }; groups: { key: string }[] };
    // 2 x 61.9416 + 3 x 3.673 + 4 x 0.85364 per hour, 720 hours: every GPU machine's cost
    assert.equal(gpu.total.effectiveCost, '99588.07');
    assert.equal(gpu.total.gpuHours, '16560.00');
    assert.deepEqual(
      gpu.groups.map((g) => g.key),
      ['ml-research', 'search', 'data-science'],
    );
    // Without config/allocation.yaml the team tag allocates; the rest is Unallocated, never lost.
    const alloc = (await (
      await freshFetch(`http://127.0.0.1:${port}/api/allocation?period=2024-09`, { headers })
    ).json()) as {
      total: string;
      source: { effective: string };
      teams: { team: string; total: string }[];
      ruleSet: { version: string };
    };
    assert.equal(alloc.ruleSet.version, 'default');
    assert.equal(alloc.total, new Decimal(alloc.source.effective).toFixed(2));
    assert.ok(alloc.teams.some((t) => t.team === 'ml-research'));
    assert.equal(alloc.teams.at(-1)!.team, 'Unallocated');
    const why = (await (
      await freshFetch(
        `http://127.0.0.1:${port}/api/allocation/explain?period=2024-09&team=ml-research`,
        {
          headers,
        },
      )
    ).json()) as { direct: { rule: string }[]; effective: string };
    assert.deepEqual([...new Set(why.direct.map((d) => d.rule))], ['team tag']);
    // Team totals are rounded to cents by largest remainder (so they add up to the total): the
    // exact lineage is within a cent of the rounded team total.
    const rounded = new Decimal(alloc.teams.find((t) => t.team === 'ml-research')!.total);
    assert.ok(new Decimal(why.effective).minus(rounded).abs().lte('0.01'), `${why.effective}`);
    // The finance workbook of the sample reconciles: every difference cell caches 0.
    const xlsx = await freshFetch(`http://127.0.0.1:${port}/api/reports/chargeback/2024-09.xlsx`, {
      headers,
    });
    assert.equal(xlsx.status, 200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    const rec = wb.getWorksheet('Reconciliation')!;
    assert.ok(rec.rowCount >= 3);
    rec.eachRow((row, n) => {
      if (n > 1) assert.equal(row.getCell(11).result, 0, `Reconciliation row ${n}`);
    });
    assert.equal(
      wb.getWorksheet('Summary')!.lastRow!.getCell(7).result,
      Number(alloc.total),
      'Summary total',
    );
    const runs = (await (
      await freshFetch(`http://127.0.0.1:${port}/api/imports`, { headers })
    ).json()) as {
      trigger: string;
      source: string;
    }[];
    assert.deepEqual(
      runs.map((r) => [r.trigger, r.source]),
      [
        ['sample', 'sample-gpu-usage'],
        ['sample', 'sample-optimization'],
        ['sample', 'sample-gpu-nodes'],
        ['sample', 'sample-gcp'],
        ['sample', 'sample-azure'],
        ['sample', 'sample-focus'],
      ],
    );

    // The CLI attaches to the service's embedded server and leaves it running.
    const cli = await runCli(['costs', '--json'], env(port));
    assert.equal(cli.status, 0, cli.stderr);
    assert.equal((JSON.parse(cli.stdout) as { period: string }).period, '2024-09');
    assert.ok((await freshFetch(`http://127.0.0.1:${port}/health`)).ok);

    service.child.kill('SIGINT');
    const { code, signal } = await service.exited;
    assert.ok(code === 0 || signal === 'SIGINT', `exit ${code} ${signal}\n${service.log()}`);
    assert.equal(
      existsSync(path.join(dataDir, 'pg', 'postmaster.pid')),
      false,
      'embedded PostgreSQL stopped',
    );

    // A second start reuses the data and does not load the sample again.
    const again = await start(port);
    const runsAfter = (await (
      await freshFetch(`http://127.0.0.1:${port}/api/imports`, { headers })
    ).json()) as unknown[];
    assert.equal(runsAfter.length, 6);
    again.child.kill('SIGTERM');
    await again.exited;
    assert.equal(existsSync(path.join(dataDir, 'pg', 'postmaster.pid')), false);
  });
});
