import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { inferSchema, initParser, Parser } from 'udsv';

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
 * Streams CSV records (RFC 4180: quoted fields may hold commas, quotes and newlines; LF or CRLF
 * line ends) in batches, one batch per chunk read, each record with the line it starts on. The
 * first record is the header. Blank lines are skipped. uDSV parses incrementally; the consumer
 * pulls the next chunk only after taking a batch, so memory stays bounded whatever the file size.
 */
export async function* readCsvBatches(input: Readable): AsyncGenerator<SourceRow[]> {
  const decoder = new StringDecoder('utf8'); // never splits a multi-byte character
  let parser: Parser | undefined;
  let line = 1;
  let batch: SourceRow[] = [];
  const onRow = (cells: string[]) => {
    const start = line;
    line += 1;
    for (const cell of cells)
      if (cell.length > 1 && cell.includes('\n')) line += countNewlines(cell);
    if (cells.length === 1 && cells[0] === '') return;
    batch.push({ line: start, cells });
  };
  const take = () => {
    const out = batch;
    batch = [];
    return out;
  };
  for await (const chunk of input) {
    const text = decoder.write(chunk as Buffer);
    if (!parser) {
      // The header is parsed by us, not consumed by uDSV: uDSV gets "no header rows".
      parser = initParser(inferSchema(text, { col: ',', encl: '"', header: () => [] }));
    }
    parser.chunk<string[]>(text, parser.stringArrs, onRow);
    if (batch.length > 0) yield take();
  }
  if (parser) {
    parser.chunk<string[]>(decoder.end(), parser.stringArrs, onRow);
    parser.end();
  }
  if (batch.length > 0) yield take();
}
