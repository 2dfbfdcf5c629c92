import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { readCsvBatches, SourceRow } from './csv-row-source.js';
import { readParquetBatches } from './parquet-row-source.js';

export type FileFormat = 'csv' | 'csv.gz' | 'parquet';

export interface RowSource {
  format: FileFormat;
  /** Batches of rows; the first batch starts with the header row. */
  batches: AsyncGenerator<SourceRow[]>;
  /** Fraction of the file read so far, 0..1. */
  progress(): number;
}

/** Sniffs the format from magic bytes (gzip 1f 8b, Parquet "PAR1"), never from the extension. */
export async function sniffFormat(path: string): Promise<FileFormat | 'empty'> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    if (bytesRead === 0) return 'empty';
    if (buffer[0] === 0x1f && buffer[1] === 0x8b) return 'csv.gz';
    if (bytesRead === 4 && buffer.toString('latin1') === 'PAR1') return 'parquet';
    return 'csv';
  } finally {
    await handle.close();
  }
}

export async function openRowSource(path: string, format: FileFormat): Promise<RowSource> {
  const size = (await stat(path)).size;
  if (format === 'parquet') {
    let fraction = 0;
    return {
      format,
      batches: readParquetBatches(path, (f) => (fraction = f)),
      progress: () => fraction,
    };
  }
  const file = createReadStream(path, { highWaterMark: 64 * 1024 });
  // pipeline, not pipe: when either side fails or the reader stops early, both are destroyed and
  // the file's descriptor is closed. The error itself reaches the reader through the gunzip side.
  const input = format === 'csv.gz' ? pipeline(file, createGunzip(), () => undefined) : file;
  return {
    format,
    batches: readCsvBatches(input),
    progress: () => (size > 0 ? file.bytesRead / size : 1),
  };
}
