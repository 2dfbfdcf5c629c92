import { Readable } from 'node:stream';
import { CsvTokenizer } from './csv-tokenizer.js';

export interface SourceRow {
  /** 1-based line (CSV) or row number (Parquet, counting the header as 1) where the row starts. */
  line: number;
  cells: string[];
}

/**
 * Streams CSV records in batches, one batch per chunk read; the first record is the header. The
 * consumer pulls the next chunk only after taking a batch, so memory stays bounded whatever the
 * file size.
 */
export async function* readCsvBatches(input: Readable): AsyncGenerator<SourceRow[]> {
  input.setEncoding('utf8'); // decodes multi-byte characters split across chunks
  const tokenizer = new CsvTokenizer();
  let batch: SourceRow[] = [];
  const onRecord = (cells: string[], line: number) => {
    batch.push({ line, cells });
  };
  let first = true;
  for await (const chunk of input) {
    let text = chunk as string;
    if (first) {
      text = text.replace(/^\uFEFF/, '');
      first = false;
    }
    tokenizer.push(text, onRecord);
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
  }
  tokenizer.end(onRecord);
  if (batch.length > 0) yield batch;
}
