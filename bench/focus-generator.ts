/**
 * Deterministic generator of large FOCUS 1.0 CSV files shaped like the FinOps Foundation sample:
 * same columns, quoting and NULL tokens, with seeded random costs, hours and resource ids.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { seededRandom } from '../src/ingestion/gpu/seeded-random.js';

const SAMPLE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../sample-data/focus-1.0-sample-aws-500.csv',
);

const quote = (v: string) => (v === 'NULL' ? v : `"${v.replace(/"/g, '""')}"`);
const pad = (n: number) => String(n).padStart(2, '0');

export interface GenerateOptions {
  rows: number;
  /** Billing periods as YYYY-MM; rows are spread over them evenly. */
  periods?: string[];
  seed?: number;
}

export async function generateFocusCsv(target: string, opts: GenerateOptions): Promise<void> {
  const periods = opts.periods ?? ['2024-09'];
  const random = seededRandom(opts.seed ?? 42);
  const parsed = Papa.parse<string[]>(readFileSync(SAMPLE, 'utf8'), { skipEmptyLines: true });
  const [header, ...templates] = parsed.data as string[][];
  const col = (name: string) => header!.indexOf(name);
  const [billed, effective, list, contracted] = [
    'BilledCost',
    'EffectiveCost',
    'ListCost',
    'ContractedCost',
  ].map(col) as [number, number, number, number];
  const [bpStart, bpEnd, cpStart, cpEnd, resource] = [
    'BillingPeriodStart',
    'BillingPeriodEnd',
    'ChargePeriodStart',
    'ChargePeriodEnd',
    'ResourceId',
  ].map(col) as [number, number, number, number, number];
  const out = createWriteStream(target, { highWaterMark: 1024 * 1024 });
  out.write(header!.map((h) => `"${h}"`).join(',') + '\n');
  let chunk = '';
  for (let i = 0; i < opts.rows; i++) {
    const cells = templates[i % templates.length]!.slice();
    const period = periods[i % periods.length]!;
    const [y, m] = period.split('-').map(Number) as [number, number];
    const next = m === 12 ? `${y + 1}-01` : `${y}-${pad(m + 1)}`;
    const day = 1 + Math.floor(random() * 28);
    const hour = Math.floor(random() * 23);
    const cost = (random() * 50).toFixed(10);
    const eff = (Number(cost) * 0.8).toFixed(10);
    cells[billed] = cost;
    cells[effective] = eff;
    cells[list] = cost;
    cells[contracted] = cost;
    cells[bpStart] = `${period}-01 00:00:00`;
    cells[bpEnd] = `${next}-01 00:00:00`;
    cells[cpStart] = `${period}-${pad(day)} ${pad(hour)}:00:00`;
    cells[cpEnd] = `${period}-${pad(day)} ${pad(hour + 1)}:00:00`;
    if (cells[resource] !== 'NULL') cells[resource] = `${cells[resource]}-${i % 5000}`;
    // Numbers unquoted, text quoted, NULL bare: as in the sample.
    chunk +=
      cells
        .map((v, c) =>
          c === billed || c === effective || c === list || c === contracted ? v : quote(v),
        )
        .join(',') + '\n';
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

// `node dist/bench/focus-generator.js OUT ROWS [PERIODS]`
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const [target, rows, periods] = process.argv.slice(2);
  if (!target || !rows) {
    process.stderr.write('usage: focus-generator OUT ROWS [YYYY-MM,YYYY-MM]\n');
    process.exit(2);
  }
  await generateFocusCsv(target, { rows: Number(rows), periods: periods?.split(',') });
}
