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

/** Files people upload by mistake, told apart by their first bytes. */
const NOT_BILLING_FILES: [number[], string][] = [
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive (unzip it and import the CSV inside)'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
  [[0xff, 0xfe], 'UTF-16 text (save it as UTF-8)'],
  [[0xfe, 0xff], 'UTF-16 text (save it as UTF-8)'],
];
const SNIFF_BYTES = 512;

/**
 * Sniffs the format from magic bytes (gzip 1f 8b, Parquet "PAR1"), never from the extension.
 * `{ notCsv }` names what a file is when it is plainly no billing file: an archive, a document,
 * an image, or UTF-16 text (with a BOM, or without one: a NUL in every other byte).
 */
export async function sniffFormat(
  path: string,
): Promise<FileFormat | 'empty' | { notCsv: string }> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(SNIFF_BYTES), 0, SNIFF_BYTES, 0);
    if (bytesRead === 0) return 'empty';
    if (buffer[0] === 0x1f && buffer[1] === 0x8b) return 'csv.gz';
    if (bytesRead >= 4 && buffer.toString('latin1', 0, 4) === 'PAR1') return 'parquet';
    const head = buffer.subarray(0, bytesRead);
    for (const [magic, what] of NOT_BILLING_FILES) {
      if (magic.every((b, i) => head[i] === b)) return { notCsv: what };
    }
    if (looksUtf16(head)) return { notCsv: 'UTF-16 text (save it as UTF-8)' };
    return 'csv';
  } finally {
    await handle.close();
  }
}

/** Text in UTF-16 without a BOM: ASCII characters come out as a NUL in every other byte. */
function looksUtf16(head: Buffer): boolean {
  if (head.length < 4) return false;
  const nuls = [0, 0];
  for (let i = 0; i < head.length; i++) if (head[i] === 0) nuls[i % 2]!++;
  return Math.max(nuls[0]!, nuls[1]!) >= head.length / 4;
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
