import { asyncBufferFromFile, parquetMetadataAsync, parquetRead } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { FileMetaData, SchemaElement } from 'hyparquet';
import { SourceRow } from './csv-row-source.js';

/** Unscaled integer and scale to an exact decimal string (no float in between). */
export function scaledDecimal(unscaled: bigint, scale: number): string {
  if (scale <= 0) return (unscaled * 10n ** BigInt(-scale)).toString();
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  const bits = BigInt(bytes.length * 8);
  return bytes.length > 0 && bytes[0]! & 0x80 ? value - (1n << bits) : value;
}

/**
 * hyparquet turns DECIMAL into a JS number, which loses cents on large amounts. Strip the DECIMAL
 * annotation so raw unscaled integers come back, and remember each column's scale.
 */
function exactDecimals(metadata: FileMetaData): Map<string, number> {
  const scales = new Map<string, number>();
  for (const el of metadata.schema as SchemaElement[]) {
    const isDecimal = el.converted_type === 'DECIMAL' || el.logical_type?.type === 'DECIMAL';
    if (isDecimal && el.type !== 'BYTE_ARRAY') {
      scales.set(el.name, el.scale ?? 0);
      delete el.converted_type;
      delete el.logical_type;
    }
  }
  return scales;
}

function toCell(value: unknown, scale: number | undefined): string {
  if (value === null || value === undefined) return '';
  if (scale !== undefined) {
    const unscaled =
      value instanceof Uint8Array ? bytesToBigInt(value) : BigInt(value as number | bigint);
    return scaledDecimal(unscaled, scale);
  }
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** The Parquet file cannot be decoded (cut short or corrupt); `row` is the first row not read. */
export class ParquetDecodeError extends Error {
  constructor(
    readonly row: number,
    override readonly cause: unknown,
  ) {
    super(`Parquet decoding failed at row ${row}: ${(cause as Error).message}`);
    this.name = 'ParquetDecodeError';
  }
}

/** Runs one hyparquet step; whatever it throws means the file's bytes are not valid Parquet. */
async function decoding<T>(row: number, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    throw new ParquetDecodeError(row, err);
  }
}

/** Streams a Parquet file one row group per batch; the first batch is the header. */
export async function* readParquetBatches(
  path: string,
  onProgress: (fraction: number) => void,
): AsyncGenerator<SourceRow[]> {
  const file = await asyncBufferFromFile(path);
  const metadata = await decoding(1, () => parquetMetadataAsync(file));
  const scales = exactDecimals(metadata);
  const names = await decoding(1, () => topLevelNames(metadata.schema as SchemaElement[]));
  yield [{ line: 1, cells: names }];
  const colScales = names.map((n) => scales.get(n));
  const total = Number(metadata.num_rows);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const start = rowStart;
    const batch = await decoding(start + 2, async () => {
      let rows: unknown[][] = [];
      await parquetRead({
        file,
        metadata,
        compressors,
        rowStart,
        rowEnd,
        onComplete: (r: unknown[][]) => {
          rows = r;
        },
      });
      return rows.map((row, i) => ({
        line: start + i + 2,
        cells: row.map((v, c) => toCell(v, colScales[c])),
      }));
    });
    yield batch;
    rowStart = rowEnd;
    onProgress(total > 0 ? rowStart / total : 1);
  }
}

/** Names of the root's direct children (the schema is a flattened tree with num_children). */
function topLevelNames(schema: SchemaElement[]): string[] {
  const names: string[] = [];
  for (let i = 1; i < schema.length; i = skip(schema, i)) names.push(schema[i]!.name);
  return names;
}

function skip(schema: SchemaElement[], i: number): number {
  const children = schema[i]!.num_children ?? 0;
  let next = i + 1;
  for (let c = 0; c < children; c++) next = skip(schema, next);
  return next;
}
