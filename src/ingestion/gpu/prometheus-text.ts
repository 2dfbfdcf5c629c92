/**
 * The Prometheus text exposition format (what dcgm-exporter's `/metrics` serves), one sample
 * line at a time so a scrape is never held as a parsed document.
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */
export interface ExpositionSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** Milliseconds since the epoch when the line carries its own timestamp. */
  timestampMs: number | null;
}

export class ExpositionParseError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'ExpositionParseError';
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const UNESCAPE: Record<string, string> = { '\\': '\\', '"': '"', n: '\n' };

/** A sample value: Go float syntax plus NaN and ±Inf. */
export function parseSampleValue(text: string): number | undefined {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

function parseLabels(text: string, at: number, line: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  let i = at + 1; // after "{"
  for (;;) {
    while (text[i] === ' ' || text[i] === ',') i++;
    if (text[i] === '}') return [labels, i + 1];
    const name = LABEL_NAME.exec(text.slice(i))?.[0];
    if (!name) throw new ExpositionParseError(line, `bad label name at column ${i + 1}`);
    i += name.length;
    if (text[i] !== '=' || text[i + 1] !== '"') {
      throw new ExpositionParseError(line, `label ${name}: expected ="…"`);
    }
    i += 2;
    let value = '';
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        value += UNESCAPE[text[i + 1] ?? ''] ?? '\\' + (text[i + 1] ?? '');
        i += 2;
      } else value += text[i++];
    }
    if (i >= text.length) throw new ExpositionParseError(line, `label ${name}: unterminated value`);
    labels[name] = value;
    i++;
  }
}

/** One line: a sample, or null for comments (`# HELP`, `# TYPE`) and blank lines. */
export function parseExpositionLine(text: string, line: number): ExpositionSample | null {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return null;
  const name = NAME.exec(trimmed)?.[0];
  if (!name) throw new ExpositionParseError(line, 'expected a metric name');
  let labels: Record<string, string> = {};
  let i = name.length;
  if (trimmed[i] === '{') [labels, i] = parseLabels(trimmed, i, line);
  const [valueText, timestamp, extra] = trimmed.slice(i).trim().split(/\s+/);
  if (extra !== undefined || valueText === undefined || valueText === '') {
    throw new ExpositionParseError(line, `${name}: expected "value [timestamp]"`);
  }
  const value = parseSampleValue(valueText);
  if (value === undefined)
    throw new ExpositionParseError(line, `${name}: bad value "${valueText}"`);
  if (timestamp !== undefined && !/^-?\d+$/.test(timestamp)) {
    throw new ExpositionParseError(line, `${name}: bad timestamp "${timestamp}"`);
  }
  return { name, labels, value, timestampMs: timestamp === undefined ? null : Number(timestamp) };
}

/** Every sample of a whole exposition text (a scrape body is small: one line per GPU and field). */
export function* parseExposition(text: string): Generator<ExpositionSample> {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const sample = parseExpositionLine(lines[i]!, i + 1);
    if (sample) yield sample;
  }
}
