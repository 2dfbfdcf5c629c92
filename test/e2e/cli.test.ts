import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CLI, fixture, SAMPLE_CSV } from '../support/fixtures.js';
import { runCli, runProcess } from '../support/service-process.js';
import { createTestDatabase } from '../support/test-db.js';

const url = await createTestDatabase();
const finops = (...args: string[]) =>
  runCli(args, { ...process.env, DATABASE_URL: url, LOG_LEVEL: '' });

describe('finops CLI', () => {
  it('lists every command in --help and prints its version, without starting the application', async () => {
    // Each command's own --help is checked in-process (test/unit/cli-program.test.ts).
    const help = await finops('--help');
    assert.equal(help.status, 0, help.stderr);
    const commands = [
      ...['db', 'import-file', 'import', 'imports', 'gpu', 'costs', 'allocate', 'close'],
      ...[
        'metrics',
        'unit-costs',
        'report',
        'prices',
        'recommend',
        'anomalies',
        'forecast',
        'token',
      ],
    ];
    for (const cmd of commands) assert.match(help.stdout, new RegExp(`^  ${cmd} `, 'm'), cmd);
    const version = await finops('--version');
    const pkg = JSON.parse(
      readFileSync(path.join(path.dirname(path.dirname(CLI)), 'package.json'), 'utf8'),
    ) as { version: string };
    assert.equal(version.stdout, `${pkg.version}\n`);
  });

  it('runs as `npx finops` from the project', async () => {
    const r = await runProcess('npx', ['--no-install', 'finops', '--version'], {
      cwd: path.dirname(path.dirname(CLI)),
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^\d+\.\d+\.\d+/);
  });

  it('db migrate runs alone', async () => {
    const r = await finops('db', 'migrate');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /up to date/);
  });

  it('import-file --json prints the machine-readable summary with exact decimal strings', async () => {
    const r = await finops('import-file', SAMPLE_CSV, '--source', 'aws-cur', '--json');
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(summary['source'], 'aws-cur');
    assert.deepEqual(summary['periods'], [
      { period: '2024-09', rows: 500, billedCost: '5.98839374320', effectiveCost: '2.00000000000' },
    ]);
    assert.deepEqual(summary['rejected'], []);
  });

  it('import-file prints one line per billing period', async () => {
    const r = await finops(
      'import-file',
      fixture('messy-focus-1.2-two-periods.csv'),
      '--source',
      'messy',
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^2024-09\s+3\s+34\.0026001\s+31\.3300001$/m);
    assert.match(r.stdout, /^2024-10\s+2\s+-4\.808\s+-4\.85$/m);
  });

  it('costs prints totals that match the source file, grouped and as JSON', async () => {
    const text = await finops(
      'costs',
      '--period',
      '2024-09',
      '--group-by',
      'sub-account',
      '--basis',
      'billed',
    );
    assert.equal(text.status, 0, text.stderr);
    // the sample (5.98839374320) plus the messy file's September rows (34.0026001)
    assert.match(text.stdout, /^total USD 39\.99099384320 \(503 rows\)$/m);
    const json = await finops(
      'costs',
      '--period',
      '2024-09',
      '--group-by',
      'charge-category',
      '--json',
    );
    const report = JSON.parse(json.stdout) as {
      totals: { cost: string }[];
      groups: { key: string; cost: string }[];
    };
    assert.equal(report.totals[0]!.cost, '33.33000010000');
    assert.deepEqual(
      report.groups.map((g) => [g.key, g.cost]),
      [
        ['Usage', '35.10000010000'],
        ['Tax', '1.23'],
        ['Credit', '-3.00000000000'],
      ],
    );
  });

  it('creates, lists and revokes API tokens; the secret is printed once, on stdout only', async () => {
    const created = await finops(
      'token',
      'create',
      '--name',
      'ml-lead',
      '--role',
      'lead',
      '--teams',
      'ml,web',
      '--expires',
      '90d',
    );
    assert.equal(created.status, 0, created.stderr);
    const secret = created.stdout.trim();
    assert.match(secret, /^fcb_/);
    assert.match(created.stderr, /lead: ml, web, expires/);
    const list = await finops('token', 'list', '--json');
    const tokens = JSON.parse(list.stdout) as { name: string; teams: string[]; prefix: string }[];
    const t = tokens.find((x) => x.name === 'ml-lead')!;
    assert.deepEqual(t.teams, ['ml', 'web']);
    assert.ok(secret.startsWith(t.prefix) && !list.stdout.includes(secret));
    assert.equal((await finops('token', 'revoke', 'ml-lead')).status, 0);
    const again = await finops('token', 'revoke', 'ml-lead');
    assert.equal(again.status, 1);
    assert.match(again.stderr, /no active token "ml-lead"/);
    assert.notEqual((await finops('token', 'create', '--name', 'x', '--role', 'root')).status, 0);
  });

  it('fails with a non-zero exit and a one-line reason, then the problems', async () => {
    const bad = await finops(
      'import-file',
      fixture('bad-rows-focus-1.0.csv'),
      '--source',
      'aws-cur',
    );
    assert.equal(bad.status, 1);
    const lines = bad.stderr.trim().split('\n');
    assert.match(
      lines[0]!,
      /^finops: error: .*bad-rows-focus-1\.0\.csv: 2 invalid row\(s\); nothing was imported$/,
    );
    assert.match(lines[1]!, /bad-rows-focus-1\.0\.csv:3: BilledCost: "12,50" is not a number$/);

    const missing = await finops('import-file', '/nonexistent/file.csv');
    assert.equal(missing.status, 1);
    assert.equal(missing.stderr.trim().split('\n').length, 1);
    assert.match(missing.stderr, /no such file/);

    const period = await finops('costs', '--period', '2024-13');
    assert.notEqual(period.status, 0);
    assert.match(period.stderr, /YYYY-MM/);

    const rejects = await finops('import-file', SAMPLE_CSV, '--max-rejects', 'some');
    assert.notEqual(rejects.status, 0);
    assert.match(rejects.stderr, /whole number/);
  });

  it('loads business metrics, writes the chargeback workbook and closes the period', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'finops-cli-'));
    const csv = path.join(dir, 'metrics.csv');
    writeFileSync(
      csv,
      'metric,period,team,value\nrequests,2024-09,web,1000\nrequests,2024-09,ml,x\n',
    );
    const bad = await finops('metrics', 'import', csv);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /metrics\.csv:3: value: must be a non-negative decimal/);
    writeFileSync(csv, 'metric,period,team,value\nrequests,2024-09,web,1000\n');
    const good = await finops('metrics', 'import', csv);
    assert.equal(good.status, 0, good.stderr);
    assert.equal(good.stdout, 'stored 1 values of requests for 2024-09\n');

    const out = path.join(dir, 'cb.xlsx');
    const report = await finops('report', 'chargeback', '--period', '2024-09', '--out', out);
    assert.equal(report.status, 0, report.stderr);
    assert.match(report.stdout, /^wrote .*cb\.xlsx: \d+ teams, \d+ detail rows, total \d+\.\d\d/);
    assert.ok(statSync(out).size > 5000);

    const close = await finops('close', '--period', '2024-09');
    assert.equal(close.status, 0, close.stderr);
    assert.match(close.stdout, /^closed 2024-09 with rule set default: \d+ allocation lines/);
    const again = await finops('close', '--period', '2024-09');
    assert.equal(again.status, 1);
    assert.match(again.stderr, /^finops: error: billing period 2024-09 is already closed/);
    const allocated = await finops('allocate', '--period', '2024-09');
    assert.match(allocated.stdout, /; closed .* by cli:/);
  });

  it('recommend runs the recommenders, lists what is open, and updates on the next run', async () => {
    // Its own database: the window ends with the latest billed hour, so other files' months stay out.
    const own = await createTestDatabase();
    const finops = (...args: string[]) =>
      runCli(args, { ...process.env, DATABASE_URL: own, LOG_LEVEL: '' });
    const optimization = path.join(path.dirname(SAMPLE_CSV), 'focus-1.2-sample-optimization.csv');
    const imported = await finops('import-file', optimization, '--source', 'optimization');
    assert.equal(imported.status, 0, imported.stderr);
    const text = await finops('recommend');
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^Looked at 2024-09-17 to 2024-10-01 in [\d.]+ s: \d+ new/);
    assert.match(text.stdout, /spot +data-science +297\.84 +low +Run etl-worker-1/);
    const json = await finops('recommend', '--json');
    const out = JSON.parse(json.stdout) as {
      run: { created: number; updated: number; byKind: Record<string, number> };
      open: { items: { kind: string }[] };
    };
    assert.equal(out.run.created, 0);
    assert.ok(out.run.updated > 0);
    assert.equal(out.run.byKind['storage-tier'], 1);
    assert.ok(out.open.items.some((r) => r.kind === 'commitment'));
    const forecast = await finops('forecast');
    assert.equal(forecast.status, 0, forecast.stderr);
    assert.match(forecast.stdout, /^Data to 2024-09-30; 2024-10 in USD\./);
    assert.match(forecast.stdout, /\norganisation +0\.00 +\d+\.\d\d/);
    const anomalies = await finops('anomalies', '--json');
    assert.equal(anomalies.status, 0, anomalies.stderr);
    assert.equal((JSON.parse(anomalies.stdout) as { run: { to: string } }).run.to, '2024-09-30');
    const pdf = path.join(mkdtempSync(path.join(os.tmpdir(), 'finops-exec-cli-')), 'exec.pdf');
    const exec = await finops(
      'report',
      'executive',
      '--period',
      '2024-09',
      '--format',
      'pdf',
      '--out',
      pdf,
    );
    assert.equal(exec.status, 0, exec.stderr);
    assert.match(exec.stdout, /^wrote .*exec\.pdf: total [\d.]+ USD, \d+ teams, \d+ anomalies\n$/);
    assert.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-');
    const prices = await finops('prices', 'refresh');
    assert.equal(prices.status, 1);
    assert.equal(
      prices.stderr,
      'finops: error: no price source is configured (prices: in config/recommendations.yaml)\n',
    );
  });
});
