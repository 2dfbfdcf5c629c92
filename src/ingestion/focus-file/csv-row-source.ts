import { Readable } from 'node:stream';
import Papa from 'papaparse';

export interface SourceRow {
  /** 1-based line (CSV) or row number (Parquet, counting the header as 1) where the row starts. */
  line: number;
  cells: string[];
}

function countNewlines(value: string): number {
  let n = 0;
  for (let i = value.indexOf('\n'); i !== -1; i = value.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Streams CSV records (RFC 4180: quoted fields may hold commas, quotes and newlines) with the line
 * each starts on. The first record yielded is the header. Blank lines are skipped.
 */
export async function* readCsvRows(input: Readable): AsyncGenerator<SourceRow> {
  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, {
    delimiter: ',',
    skipEmptyLines: false,
  }) as unknown as NodeJS.ReadWriteStream & AsyncIterable<string[]>;
  input.on('error', (err) => (parser as unknown as Readable).destroy(err));
  input.pipe(parser);
  let line = 1;
  for await (const cells of parser) {
    const start = line;
    line += 1;
    for (const cell of cells) if (cell.length > 1 && cell.includes('\n')) line += countNewlines(cell);
    if (cells.length === 1 && cells[0] === '') continue;
    yield { line: start, cells };
  }
}
