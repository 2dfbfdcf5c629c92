import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { AllocationResults } from '../../src/allocation/allocation-results.service.js';
import type { AllocationReport } from '../../src/allocation/allocation-views.js';
import { ALL_TEAMS } from '../../src/auth/team-scope.js';
import { ChargebackReportService } from '../../src/reports/chargeback-report.service.js';
import { SHEETS } from '../../src/reports/workbook/chargeback-writer.js';
import { createAllocationApp } from '../support/allocation-app.js';
import { bearer } from '../support/tokens.js';

const RULES = `
organisation:
  - businessUnit: Products
    costCenters:
      - costCenter: CC-100
        teams: [search]
  - businessUnit: Research
    costCenters:
      - costCenter: CC-200
        teams: [ml]
ruleSets:
  - version: v7
    effectiveFrom: 2024-01
    rules:
      - name: team tag
        team: { tag: team }
        product: { tag: product }
    pools:
      - name: support
        when: { service: AWS Support }
        method: proportional
`;

const EVIL = '=HYPERLINK("http://evil.example","click")';
const ctx = await createAllocationApp(RULES, {
  '2024-08': [
    { billed: '90', effective: '90', tags: { team: 'search' } },
    { billed: '40', effective: '40', tags: { team: 'ml' }, account: '999' },
  ],
  '2024-09': [
    { billed: '100', effective: '100', tags: { team: 'search', product: EVIL } },
    { billed: '50.25', effective: '50.25', tags: { team: 'ml' }, account: '999' },
    { billed: '7.77', effective: '7.77', tags: { team: 'nobody' } },
    { billed: '40', effective: '40', service: 'AWS Support' },
    { billed: '0', effective: '12.5', commitmentId: 'ri-1', commitmentStatus: 'Unused' },
  ],
});
const MONEY = '"$"#,##0.00;[Red]-"$"#,##0.00';

async function download(headers = ctx.admin, period = '2024-09') {
  const r = await ctx.call<ArrayBuffer>(`/api/reports/chargeback/${period}.xlsx`, { headers });
  assert.equal(r.status, 200, Buffer.from(r.body).toString());
  assert.match(r.res.headers.get('content-type')!, /spreadsheetml/);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(r.body);
  return wb;
}

const sheet = (wb: ExcelJS.Workbook, name: string) => wb.getWorksheet(name)!;
/** Rows' values from row 2 (after the header); formula cells as { formula, result }. */
function rows(ws: ExcelJS.Worksheet): ExcelJS.CellValue[][] {
  const out: ExcelJS.CellValue[][] = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const values: ExcelJS.CellValue[] = [];
    for (let c = 1; c <= row.cellCount; c++) {
      const cell = row.getCell(c);
      // The reader's cell.value drops a cached result of 0; cell.result keeps it.
      values.push(
        cell.formula
          ? ({ formula: cell.formula, result: cell.result } as ExcelJS.CellFormulaValue)
          : (cell.value ?? undefined),
      );
    }
    out.push(values);
  });
  return out;
}
const formula = (v: ExcelJS.CellValue) => v as ExcelJS.CellFormulaValue;

describe('chargeback workbook', () => {
  it('finance gets every sheet, totals as formulas with cached values equal to the API, and a reconciliation to the cent', async () => {
    await ctx.call('/api/business-metrics', {
      method: 'POST',
      body: {
        metrics: [{ metric: 'requests', period: '2024-09', team: 'search', value: '1000000' }],
      },
    });
    const api = (await ctx.call<AllocationReport>('/api/allocation?period=2024-09')).body;
    const wb = await download();
    assert.deepEqual(
      wb.worksheets.map((w) => w.name),
      [...SHEETS],
    );
    assert.equal(wb.creator, 'finops-chargeback');
    assert.equal(wb.title, 'Chargeback 2024-09');
    assert.match(wb.subject, /EffectiveCost, rule set v7/);

    const summary = sheet(wb, 'Summary');
    assert.equal(summary.views[0]?.state, 'frozen');
    assert.equal(summary.getColumn(1).width, 24);
    const s = rows(summary);
    const body = s.slice(0, -1);
    assert.deepEqual(
      body.map((r) => [r[0], r[1], r[2], r[6]]),
      api.teams.map((t) => [
        t.team,
        t.costCenter ?? undefined,
        t.businessUnit ?? undefined,
        Number(t.total),
      ]),
    );
    const search = body.find((r) => r[0] === 'search')!;
    assert.equal(search[7], 90, 'previous period');
    assert.equal(formula(search[8]).formula, 'G2-H2');
    const total = s.at(-1)!;
    assert.equal(total[0], 'Total');
    assert.equal(formula(total[6]).formula, `SUM(G2:G${body.length + 1})`);
    assert.equal(formula(total[6]).result, Number(api.total));
    assert.equal(
      body.reduce((sum, r) => sum + Math.round(Number(r[6]) * 100), 0),
      Math.round(Number(api.total) * 100),
      'cached total equals the sum of the cells',
    );
    assert.equal(summary.getCell('G2').numFmt, MONEY);

    const a = await ctx.app.get(AllocationResults).get('2024-09');
    const detail = sheet(wb, 'Detail');
    const d = rows(detail);
    assert.equal(d.length, a.lines.length);
    assert.equal(detail.views[0]?.state, 'frozen');
    assert.equal(detail.autoFilter, `A1:U${a.lines.length + 1}`);
    const evil = d.find((r) => r[6] !== undefined && String(r[6]).includes('HYPERLINK'))!;
    assert.equal(evil[6], `'${EVIL}`, 'formula injection neutralized');
    assert.equal(detail.getCell('T2').numFmt, MONEY);
    const detailSum = d.reduce((sum, r) => sum + Number(r[19]), 0);
    assert.ok(Math.abs(detailSum - Number(api.source!.effective)) < 1e-9);

    const shared = rows(sheet(wb, 'Shared costs'));
    assert.deepEqual(
      shared.slice(0, -1).map((r) => [r[0], r[1], r[3]]),
      [
        ['support', 'proportional', 'search'],
        ['support', 'proportional', 'ml'],
      ],
    );
    assert.equal(formula(shared.at(-1)![5]).result, 40);

    const units = rows(sheet(wb, 'Unit economics'));
    assert.equal(units[0]![0], 'requests');
    const perUnit = formula(units[0]![6]);
    assert.equal(perUnit.formula, 'IF(F2=0,"",E2/F2)');
    assert.equal(perUnit.result, Number(search[6]) / 1_000_000);

    const rec = rows(sheet(wb, 'Reconciliation'));
    const accounts = rec.slice(0, -1);
    assert.deepEqual(
      accounts.map((r) => [r[0], r[1]]),
      [
        ['AWS', '111'],
        ['AWS', '999'],
      ],
    );
    for (const r of rec) {
      assert.equal(formula(r[6]).result, 0);
      assert.equal(formula(r[10]).result, 0);
    }
    assert.match(formula(accounts[0]![6]).formula, /^ROUND\(F2-D2-E2,2\)$/);
    const [src] = (await ctx.db.query(
      `SELECT sum(billed_cost)::float8 AS billed FROM cost_record WHERE billing_period = '2024-09-01'`,
    )) as { billed: number }[];
    assert.equal(formula(rec.at(-1)![3]).result, src!.billed);
    assert.equal(formula(rec.at(-1)![9]).result, Number(api.source!.effective));

    const method = rows(sheet(wb, 'Methodology')).map((r) => r.join(' '));
    assert.ok(method.some((l) => l.includes('v7, in force from 2024-01')));
    assert.ok(method.some((l) => l.includes('1. team tag: when every cost line, team tag team')));
    assert.ok(
      method.some((l) =>
        /support: cost lines where service is "AWS Support"; split in proportion/.test(l),
      ),
    );
    assert.ok(method.some((l) => l.startsWith('bill focus-file: 5 cost lines')));
    const [audit] = (await ctx.db.query(
      `SELECT target FROM audit_event WHERE action = 'report.downloaded'`,
    )) as { target: string }[];
    assert.equal(audit?.target, 'chargeback/2024-09.xlsx');
  });

  it('a lead gets only their teams and no reconciliation', async () => {
    const wb = await download(await bearer(ctx.app, 'lead', ['ml']));
    assert.ok(!wb.worksheets.some((w) => w.name === 'Reconciliation'));
    const s = rows(sheet(wb, 'Summary'));
    assert.deepEqual(
      s.map((r) => r[0]),
      ['ml', 'Total'],
    );
    const teams = new Set(rows(sheet(wb, 'Detail')).map((r) => r[0]));
    assert.deepEqual([...teams], ['ml']);
  });

  it('writes reports/<period>/ by default, and a closed period from its snapshot', async () => {
    await ctx.call('/api/periods/2024-08/close', { method: 'POST' });
    const service = ctx.app.get(ChargebackReportService);
    const { file, model } = await service.writeFile({
      period: '2024-08',
      basis: 'billed',
      scope: ALL_TEAMS,
      generatedBy: 'test',
    });
    assert.equal(file, path.join(ctx.dir, 'reports', '2024-08', 'chargeback-2024-08.xlsx'));
    // Closing wrote the executive report beside it; no partial file is left.
    assert.deepEqual(readdirSync(path.dirname(file)).sort(), [
      'chargeback-2024-08.xlsx',
      'executive-2024-08.html',
      'executive-2024-08.pdf',
    ]);
    assert.equal(model.summary.total, '130.00');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const method = rows(sheet(wb, 'Methodology')).map((r) => r.join(' '));
    assert.ok(method.some((l) => /^Status closed .* by test-admin; figures frozen/.test(l)));
    for (const r of rows(sheet(wb, 'Reconciliation'))) assert.equal(formula(r[6]).result, 0);
    const bad = await ctx.call('/api/reports/chargeback/2024-13.xlsx');
    assert.equal(bad.status, 404);
    assert.ok(!existsSync(`${file}.partial`));
  });
});
