import { wallClockToUtc } from './wall-clock.js';

/**
 * `nvidia-smi --query-gpu=... --format=csv [-l N]` output: a header of field names with units in
 * brackets (`memory.used [MiB]`), `", "` between cells, units in cells unless `nounits`, `[N/A]`
 * and `[Not Supported]` for values a GPU does not report, and local timestamps without a zone
 * (`2026/07/14 08:12:38.696`). With `-l N` the header repeats only once; a restarted logger
 * appending to the same file writes it again, so a header line may appear anywhere.
 */
export interface NvidiaSmiReading {
  line: number;
  /** Unix milliseconds (UTC). */
  timeMs: number;
  uuid: string;
  index: string | null;
  name: string | null;
  /** The measured fields asked for, by query name (`utilization.gpu`), in the header's unit; null when not available. */
  values: Map<string, number | null>;
}

export class NvidiaSmiParseError extends Error {
  constructor(
    readonly line: number,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`line ${line}: ${field}: ${reason}`);
    this.name = 'NvidiaSmiParseError';
  }
}

export interface HeaderField {
  name: string;
  unit: string | null;
}

/** `[N/A]`, `[Not Supported]`, `[Requested functionality has been deprecated]`, … */
const NOT_AVAILABLE = /^\[[^\]]*\]$/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
const TIMESTAMP = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;
/** The fields that say which GPU and when; every other field is a measurement or ignored. */
export const IDENTITY_FIELDS: ReadonlySet<string> = new Set([
  'timestamp',
  'uuid',
  'gpu_uuid',
  'index',
  'name',
  'gpu_name',
]);

export function splitCells(text: string): string[] {
  return text.split(',').map((c) => c.trim());
}

export function isHeader(cells: readonly string[]): boolean {
  return cells[0] === 'timestamp' || cells.includes('uuid') || cells.includes('index');
}

export function parseHeader(
  cells: readonly string[],
  line: number,
  required: readonly string[] = ['timestamp', 'uuid'],
): HeaderField[] {
  const fields = cells.map((cell) => {
    const m = /^([a-z0-9_.]+)(?: \[([^\]]+)\])?$/i.exec(cell);
    if (!m) throw new NvidiaSmiParseError(line, cell, 'not a nvidia-smi query field name');
    return { name: m[1]!.toLowerCase(), unit: m[2] ?? null };
  });
  for (const name of required) {
    if (!fields.some((f) => f.name === name)) {
      throw new NvidiaSmiParseError(
        line,
        name,
        `missing from the header: query it (--query-gpu=timestamp,uuid,...)`,
      );
    }
  }
  return fields;
}

export function parseTimestamp(text: string, zone: string, line: number): number {
  const m = TIMESTAMP.exec(text);
  if (!m) {
    throw new NvidiaSmiParseError(line, 'timestamp', `"${text}" is not YYYY/MM/DD HH:MM:SS.mmm`);
  }
  const wall = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    Number((m[7] ?? '0').padEnd(3, '0')),
  );
  return wallClockToUtc(wall, zone);
}

function parseNumber(text: string, field: HeaderField, line: number): number | null {
  if (NOT_AVAILABLE.test(text)) return null;
  const digits =
    field.unit && text.endsWith(` ${field.unit}`) ? text.slice(0, -field.unit.length - 1) : text;
  if (!NUMBER.test(digits)) {
    throw new NvidiaSmiParseError(
      line,
      field.name,
      `"${text}" is not a number${field.unit ? ` in ${field.unit}` : ''}`,
    );
  }
  return Number(digits);
}

/**
 * One data line, read with the header in force. Only the identity fields and the `measured` ones
 * are parsed: a full capture also holds hex ids (`pci.device_id` 0x233010DE), states (`Enabled`,
 * `Not Active`, `Default`), versions and bare `N/A`, none of which may reject the line.
 */
export function parseReading(
  cells: readonly string[],
  header: readonly HeaderField[],
  measured: ReadonlySet<string>,
  line: number,
  zone: string,
): NvidiaSmiReading {
  if (cells.length !== header.length) {
    throw new NvidiaSmiParseError(
      line,
      '(row)',
      `${cells.length} cells where the header has ${header.length}`,
    );
  }
  const reading: NvidiaSmiReading = {
    line,
    timeMs: 0,
    uuid: '',
    index: null,
    name: null,
    values: new Map(),
  };
  header.forEach((field, i) => {
    const cell = cells[i]!;
    switch (field.name) {
      case 'timestamp':
        reading.timeMs = parseTimestamp(cell, zone, line);
        return;
      case 'uuid':
      case 'gpu_uuid':
        reading.uuid = cell;
        return;
      case 'index':
        reading.index = NOT_AVAILABLE.test(cell) ? null : cell;
        return;
      case 'name':
      case 'gpu_name':
        reading.name = NOT_AVAILABLE.test(cell) ? null : cell;
        return;
    }
    if (measured.has(field.name)) reading.values.set(field.name, parseNumber(cell, field, line));
  });
  if (!/^(GPU|MIG)-[0-9a-f-]+$/i.test(reading.uuid)) {
    throw new NvidiaSmiParseError(line, 'uuid', `"${reading.uuid}" is not a GPU UUID`);
  }
  return reading;
}
