/**
 * The workbook half of `npm run bench -- allocate`: the chargeback workbook of N allocation
 * lines (default 1M; 50 teams, 5 pools) written by a fresh child process, whose peak RSS is the
 * figure (target < 400 MB), against writing the same lines as CSV in the same run (the baseline).
 */
import { fork } from 'node:child_process';
import { createWriteStream, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import type { TeamPlace } from '../src/allocation/allocation-config.js';
import type { AllocationLine } from '../src/allocation/allocation-engine.js';
import { D, Dec } from '../src/gpu/gpu-cost-split.js';
import { seededRandom } from '../src/ingestion/gpu/seeded-random.js';
import { ChargebackInput } from '../src/reports/workbook/chargeback-model.js';
import { writeChargebackWorkbook } from '../src/reports/workbook/chargeback-writer.js';

export interface WorkbookBenchResult {
  detailRows: number;
  workbookSeconds: number;
  csvSeconds: number;
  ratio: number;
  peakRssMB: number;
  fileMB: number;
}

const TEAMS = Array.from({ length: 50 }, (_, i) => `team-${String(i).padStart(2, '0')}`);
const SERVICES = Array.from({ length: 40 }, (_, i) => `Service ${i}`);
const POOLS = ['support', 'network', 'security', 'tax', 'commitments'];

/** N allocation lines, the same for the same N: direct lines and pool shares over 50 teams. */
export function* benchLines(n: number): Generator<AllocationLine> {
  const random = seededRandom(42);
  for (let i = 0; i < n; i++) {
    const shared = i % 10 === 0;
    const team = TEAMS[Math.floor(random() * TEAMS.length)]!;
    const cents = Math.floor(random() * 1_000_000);
    const amount = new D(cents).div(shared ? 7 : 100).toDecimalPlaces(12);
    yield {
      team,
      product: i % 3 === 0 ? `product-${i % 17}` : null,
      environment: i % 2 === 0 ? 'prod' : 'dev',
      kind: shared ? 'shared' : 'direct',
      source: shared ? POOLS[i % POOLS.length]! : 'team tag',
      method: shared ? 'proportional' : null,
      basis: shared ? 'direct EffectiveCost' : null,
      weight: shared ? '1' : null,
      weightTotal: shared ? '50' : null,
      provider: 'AWS',
      billingAccountId: `payer-${i % 3}`,
      billingAccountName: `Payer ${i % 3}`,
      subAccountId: `acct-${String(i % 200).padStart(3, '0')}`,
      subAccountName: null,
      serviceName: SERVICES[i % SERVICES.length]!,
      serviceCategory: 'Compute',
      effective: amount,
      billed: amount,
      lines: shared ? 0 : 1 + (i % 5),
      restates: null,
    };
  }
}

function benchInput(n: number): ChargebackInput {
  const places = new Map<string, TeamPlace>(
    TEAMS.map((t, i) => [
      t,
      { team: t, costCenter: `cc-${i % 5}`, costCenterName: null, businessUnit: 'bu' },
    ]),
  );
  const accounts = new Map<string, { effective: Dec; billed: Dec }>();
  for (const l of benchLines(n)) {
    const a = accounts.get(l.billingAccountId!) ?? { effective: new D(0), billed: new D(0) };
    a.effective = a.effective.plus(l.effective);
    a.billed = a.billed.plus(l.billed);
    accounts.set(l.billingAccountId!, a);
  }
  return {
    period: '2024-09',
    basis: 'effective',
    currency: 'USD',
    ruleSet: { version: 'bench', effectiveFrom: '2024-01', origin: 'bench', words: [] },
    closed: null,
    generatedAt: new Date(),
    generatedBy: 'bench',
    places,
    lines: () => benchLines(n),
    previous: null,
    unitCosts: [],
    sourceAccounts: [...accounts].map(([id, a]) => ({
      provider: 'AWS',
      billingAccountId: id,
      billingAccountName: null,
      ...a,
    })),
    freshness: [],
    scope: { kind: 'all' },
  };
}

/** The baseline: the same lines as CSV text, streamed to a file. */
async function writeCsv(n: number, file: string): Promise<number> {
  const started = process.hrtime.bigint();
  const out = createWriteStream(file);
  for (const l of benchLines(n)) {
    const ok = out.write(
      `${l.team},${l.kind},${l.source},${l.provider},${l.billingAccountId},${l.subAccountId},${l.serviceName},${l.effective.toString()},${l.billed.toString()}\n`,
    );
    if (!ok) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  out.end();
  await finished(out);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Child process: writes the workbook and reports time and its own peak RSS. */
async function child(n: number, file: string): Promise<void> {
  const input = benchInput(n);
  const started = process.hrtime.bigint();
  const out = createWriteStream(file);
  const done = finished(out);
  await writeChargebackWorkbook(input, out);
  await done;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const figures = { seconds, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024) };
  if (process.send) process.send(figures);
  else process.stdout.write(`${JSON.stringify(figures)}\n`);
}

export async function workbookBench(n: number, outDir: string): Promise<WorkbookBenchResult> {
  await mkdir(outDir, { recursive: true });
  const file = path.join(outDir, 'chargeback-bench.xlsx');
  const csvSeconds = await writeCsv(n, path.join(outDir, 'chargeback-bench.csv'));
  const result = await new Promise<{ seconds: number; peakRssMB: number }>((resolve, reject) => {
    const c = fork(fileURLToPath(import.meta.url), ['--child', String(n), file]);
    c.once('message', (m) => resolve(m as { seconds: number; peakRssMB: number }));
    c.once('error', reject);
    c.once('exit', (code) => code && reject(new Error(`workbook child exited with ${code}`)));
  });
  return {
    detailRows: n,
    workbookSeconds: Math.round(result.seconds * 100) / 100,
    csvSeconds: Math.round(csvSeconds * 100) / 100,
    ratio: Math.round((result.seconds / csvSeconds) * 100) / 100,
    peakRssMB: result.peakRssMB,
    fileMB: Math.round(statSync(file).size / 1e5) / 10,
  };
}

if (process.argv[2] === '--child') await child(Number(process.argv[3]), process.argv[4]!);
