import { gzipSync } from 'node:zlib';
import Papa from 'papaparse';
import { seededRandom } from '../../src/ingestion/gpu/seeded-random.js';

export function parseCsv(text: string): string[][] {
  return Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;
}

/** CSV text with every field quoted and LF line breaks, the last line ended too. */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map((c) => `"${c.replaceAll('"', '""')}"`).join(',')).join('\n') + '\n';
}

/** `text` with the cell of `column` on data row `row` (1 = the first after the header) set. */
export function withCell(text: string, row: number, column: string, value: string): string {
  const rows = parseCsv(text);
  const col = rows[0]!.indexOf(column);
  if (col < 0) throw new Error(`no column ${column}`);
  rows[row]![col] = value;
  return toCsv(rows);
}

export interface Mutant {
  name: string;
  kind: string;
  bytes: Buffer;
}

/** Values no bill has, each refused or kept as a warning by the importer. */
const ODD_VALUES: [string, string][] = [
  ['BilledCost', '1e400'],
  ['BilledCost', '9'.repeat(60)],
  ['EffectiveCost', '-1e-2000'],
  ['BilledCost', 'NaN'],
  ['BillingPeriodStart', '0000-01-01 00:00:00'],
  ['BillingPeriodStart', '2204-09-01 00:00:00'],
  ['ChargePeriodStart', '2024-09-18T22:00:00+99:99'],
  ['BillingCurrency', 'usd'],
  ['BillingCurrency', 'US Dollar'],
  ['ChargeCategory', 'usage'],
  ['ChargeFrequency', 'Usage-based'],
  ['Tags', '{"team": "a\\u0000b"}'],
  ['Tags', '{"k": "\\ud800"}'],
  ['ServiceName', 'S3\u0000'],
  ['ServiceName', '\u{1F600} \u00e9'],
];

type Mutate = (bytes: Buffer, text: string, rand: () => number) => Buffer;
const pick = <T>(items: readonly T[], rand: () => number): T =>
  items[Math.floor(rand() * items.length)]!;
const randomInt = (n: number, rand: () => number) => Math.floor(rand() * n);

const lineOps = (text: string, rand: () => number, op: (lines: string[], i: number) => void) => {
  const lines = text.split('\n');
  op(lines, 1 + randomInt(Math.max(1, lines.length - 2), rand));
  return Buffer.from(lines.join('\n'));
};

const MUTATIONS: Record<string, Mutate> = {
  truncate: (b, _t, r) => b.subarray(0, randomInt(b.length, r)),
  'byte-flip': (b, _t, r) => {
    const out = Buffer.from(b);
    for (let n = 1 + randomInt(3, r); n > 0; n--) out[randomInt(out.length, r)] = randomInt(256, r);
    return out;
  },
  'delete-line': (_b, t, r) => lineOps(t, r, (lines, i) => lines.splice(i, 1)),
  'duplicate-line': (_b, t, r) => lineOps(t, r, (lines, i) => lines.splice(i, 0, lines[i]!)),
  'header-rename': (_b, t, r) => {
    const rows = parseCsv(t);
    rows[0]![randomInt(rows[0]!.length, r)] = pick(['', 'BilledCost', 'x_\u0000', 'Bogus'], r);
    return Buffer.from(toCsv(rows));
  },
  'header-drop': (_b, t, r) => {
    const rows = parseCsv(t);
    const col = randomInt(rows[0]!.length, r);
    return Buffer.from(toCsv(rows.map((row) => row.filter((_, i) => i !== col))));
  },
  nul: (b, _t, r) => {
    const at = randomInt(b.length, r);
    return Buffer.concat([b.subarray(0, at), Buffer.from([0]), b.subarray(at)]);
  },
  bom: (b, t, r) =>
    pick(
      [
        Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]),
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]),
        Buffer.from(t, 'utf16le'),
      ],
      r,
    ),
  'odd-value': (_b, t, r) => {
    const rows = parseCsv(t);
    const [column, value] = pick(
      ODD_VALUES.filter(([c]) => rows[0]!.includes(c)),
      r,
    );
    return Buffer.from(withCell(t, 1 + randomInt(rows.length - 1, r), column, value));
  },
  'not-csv': (_b, _t, r) =>
    Buffer.concat([
      Buffer.from(pick(['PK\u0003\u0004', '%PDF-1.7', '\u0089PNG', 'GIF89a'], r), 'latin1'),
      Buffer.alloc(64, 1),
    ]),
  gzip: (b) => gzipSync(b),
  'gzip-truncated': (b, _t, r) => {
    const gz = gzipSync(b);
    return gz.subarray(0, 10 + randomInt(gz.length - 10, r));
  },
  'gzip-flipped': (b, _t, r) => {
    const gz = Buffer.from(gzipSync(b));
    const at = 10 + randomInt(gz.length - 10, r);
    gz[at] = gz[at]! ^ 0xff;
    return gz;
  },
};

/** Kinds of mutation, each with its weight (how often it is drawn). */
const KINDS: [string, number][] = [
  ['truncate', 4],
  ['byte-flip', 3],
  ['delete-line', 1],
  ['duplicate-line', 1],
  ['header-rename', 1],
  ['header-drop', 1],
  ['nul', 2],
  ['bom', 1],
  ['odd-value', 4],
  ['not-csv', 1],
  ['gzip', 1],
  ['gzip-truncated', 1],
  ['gzip-flipped', 1],
];

/** `count` mutated files made from `samples` (CSV), the same ones for the same seed. */
export function mutants(samples: { name: string; bytes: Buffer }[], count: number, seed: number) {
  const rand = seededRandom(seed);
  const total = KINDS.reduce((n, [, w]) => n + w, 0);
  const out: Mutant[] = [];
  for (let i = 0; i < count; i++) {
    let roll = rand() * total;
    const kind = KINDS.find(([, w]) => (roll -= w) < 0)![0];
    const sample = samples[i % samples.length]!;
    const bytes = MUTATIONS[kind]!(sample.bytes, sample.bytes.toString('utf8'), rand);
    out.push({ name: `${String(i).padStart(3, '0')}-${kind}-${sample.name}`, kind, bytes });
  }
  return out;
}
