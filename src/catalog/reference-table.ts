import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CsvTokenizer } from '../ingestion/focus-file/csv-tokenizer.js';

/** The data rows (header dropped) of a CSV shipped in `reference-data/`. */
export function referenceTable(file: string): string[][] {
  const text = readFileSync(
    fileURLToPath(new URL(`../../../reference-data/${file}`, import.meta.url)),
    'utf8',
  );
  const rows: string[][] = [];
  const tokenizer = new CsvTokenizer();
  tokenizer.push(text, (cells) => rows.push(cells));
  tokenizer.end((cells) => rows.push(cells));
  return rows.slice(1).filter((r) => r.length > 1 || r[0] !== '');
}

/** A value computed on first use and kept (reference tables are read once per process). */
export function lazy<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= load());
}
