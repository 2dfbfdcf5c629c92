import { InputReadError, SourceRow } from './csv-row-source.js';
import { CsvSyntaxError } from './csv-tokenizer.js';
import { HeaderPlan, planHeader } from './focus-header.js';
import { ParquetDecodeError } from './parquet-row-source.js';
import { FileFormat, openRowSource, sniffFormat } from './row-source.js';
import { ImportProblem, ImportValidationError } from '../import-errors.js';
import { plausiblePeriods } from '../../billing/billing-period.js';

export interface OpenFocusFile {
  format: FileFormat;
  plan: HeaderPlan;
  /** Data rows in batches (the header already taken). */
  batches: AsyncGenerator<SourceRow[]>;
  progress(): number;
  /** Closes the file, whether or not the batches were read (call it in a `finally`). */
  close(): Promise<void>;
}

const fileProblem = (file: string, reason: string, line = 1, column = '(file)') =>
  new ImportValidationError(file, [{ line, column, reason }], `${file}: ${reason}`);

/**
 * Sniffs the format, reads the header and maps it onto FOCUS; refuses files that cannot be. A
 * file that turns out to be unreadable part-way (cut short, corrupt, not UTF-8) fails with an
 * ImportValidationError naming the file and the line reached, like a bad value does.
 */
export async function openFocusFile(path: string, file: string): Promise<OpenFocusFile> {
  const format = await sniffFormat(path);
  if (format === 'empty') throw fileProblem(file, 'file is empty');
  if (typeof format === 'object')
    throw fileProblem(file, `file is ${format.notCsv}, not CSV/Parquet`);
  const source = await openRowSource(path, format);
  const close = async () => {
    await source.batches.return(undefined);
  };
  let names: readonly string[] = [];
  const batches = (async function* () {
    try {
      yield* source.batches;
    } catch (err) {
      throw readProblem(err, file, format, names);
    }
  })();
  try {
    const first = await batches.next();
    const header = first.done ? undefined : first.value.shift();
    if (!header) throw fileProblem(file, 'no header row');
    names = header.cells;
    const plan = planHeader(header.cells, plausiblePeriods(new Date()));
    if (Array.isArray(plan)) {
      throw new ImportValidationError(
        file,
        plan,
        `${file}: the header is not a usable FOCUS header`,
      );
    }
    const rest = first.done ? [] : [first.value];
    const data = (async function* () {
      try {
        yield* rest;
        yield* batches;
      } finally {
        await batches.return(undefined);
      }
    })();
    return { format, plan, batches: data, progress: source.progress, close };
  } catch (err) {
    await batches.return(undefined);
    await close();
    throw err;
  }
}

/** The typed, located problem for an error met while reading; other errors pass unchanged. */
function readProblem(
  err: unknown,
  file: string,
  format: FileFormat,
  names: readonly string[],
): unknown {
  let problem: ImportProblem | undefined;
  if (err instanceof CsvSyntaxError) {
    const column = err.field ? (names[err.field - 1] ?? `field ${err.field}`) : '(row)';
    problem = { line: err.line, column, reason: err.reason };
  } else if (err instanceof InputReadError && format === 'csv.gz' && isZlib(err.cause)) {
    const code = (err.cause as { code: string }).code;
    const what = code === 'Z_BUF_ERROR' ? 'truncated' : 'corrupt';
    problem = {
      line: err.line,
      column: '(file)',
      reason: `the gzip content is ${what} (${(err.cause as Error).message}); read up to line ${err.line}`,
    };
  } else if (err instanceof ParquetDecodeError) {
    problem = {
      line: err.row,
      column: '(file)',
      reason: `the Parquet file is truncated or corrupt (${(err.cause as Error).message})`,
    };
  }
  if (!problem) return err;
  return new ImportValidationError(
    file,
    [problem],
    `${file}:${problem.line}: ${problem.reason}; nothing was imported`,
  );
}

function isZlib(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}
