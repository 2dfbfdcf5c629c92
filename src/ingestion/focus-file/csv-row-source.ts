import { Readable } from 'node:stream';
import { CsvSyntaxError, CsvTokenizer } from './csv-tokenizer.js';

export interface SourceRow {
  /** 1-based line (CSV) or row number (Parquet, counting the header as 1) where the row starts. */
  line: number;
  cells: string[];
}

/** Reading the input itself failed (e.g. its gzip stream is cut) after `line` lines were read. */
export class InputReadError extends Error {
  constructor(
    readonly line: number,
    override readonly cause: unknown,
  ) {
    super(`reading failed at line ${line}: ${(cause as Error).message}`);
    this.name = 'InputReadError';
  }
}

/**
 * Streams CSV records in batches, one batch per chunk read; the first record is the header. The
 * consumer pulls the next chunk only after taking a batch, so memory stays bounded whatever the
 * file size. Bytes that are not UTF-8 are refused where they are (line and column), never
 * replaced by U+FFFD: a silently changed id or tag would no longer match its owner's.
 */
export async function* readCsvBatches(input: Readable): AsyncGenerator<SourceRow[]> {
  const decoder = new TextDecoder('utf-8', { fatal: true }); // also drops a UTF-8 BOM
  const tokenizer = new CsvTokenizer();
  let batch: SourceRow[] = [];
  const onRecord = (cells: string[], line: number) => {
    batch.push({ line, cells });
  };
  const decode = (bytes?: Buffer): string => {
    try {
      return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
    } catch {
      // Locate the bad bytes: tokenize up to the first replacement character of a lenient decode.
      const text = bytes ? new TextDecoder().decode(bytes) : '';
      tokenizer.push(text.slice(0, Math.max(0, text.indexOf('\uFFFD'))), () => undefined);
      const { line, column } = tokenizer.cursor();
      throw new CsvSyntaxError(
        line,
        undefined,
        `column ${column}: bytes that are not valid UTF-8 (save the file as UTF-8)`,
      );
    }
  };
  const chunks = input[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<unknown>;
      try {
        next = await chunks.next();
      } catch (err) {
        throw new InputReadError(tokenizer.cursor().line, err);
      }
      if (next.done) break;
      tokenizer.push(decode(next.value as Buffer), onRecord);
      if (batch.length > 0) {
        yield batch;
        batch = [];
      }
    }
  } finally {
    await chunks.return?.(); // destroys the stream when the reader stops early or fails
  }
  tokenizer.push(decode(), onRecord);
  tokenizer.end(onRecord);
  if (batch.length > 0) yield batch;
}
