import { SourceRow } from './csv-row-source.js';
import { HeaderPlan, planHeader } from './focus-header.js';
import { FileFormat, openRowSource, sniffFormat } from './row-source.js';
import { ImportValidationError } from '../import-errors.js';

export interface OpenFocusFile {
  format: FileFormat;
  plan: HeaderPlan;
  /** Data rows in batches (the header already taken). */
  batches: AsyncGenerator<SourceRow[]>;
  progress(): number;
  /** Closes the file, whether or not the batches were read (call it in a `finally`). */
  close(): Promise<void>;
}

const fileProblem = (file: string, reason: string) =>
  new ImportValidationError(file, [{ line: 1, column: '(file)', reason }], `${file}: ${reason}`);

/** Sniffs the format, reads the header and maps it onto FOCUS; refuses files that cannot be. */
export async function openFocusFile(path: string, file: string): Promise<OpenFocusFile> {
  const format = await sniffFormat(path);
  if (format === 'empty') throw fileProblem(file, 'file is empty');
  const source = await openRowSource(path, format);
  const close = async () => {
    await source.batches.return(undefined);
  };
  try {
    const first = await source.batches.next();
    const header = first.done ? undefined : first.value.shift();
    if (!header) throw fileProblem(file, 'no header row');
    const plan = planHeader(header.cells);
    if (Array.isArray(plan)) {
      throw new ImportValidationError(
        file,
        plan,
        `${file}: the header is not a usable FOCUS header`,
      );
    }
    const rest = first.done ? [] : [first.value];
    const batches = (async function* () {
      yield* rest;
      yield* source.batches;
    })();
    return { format, plan, batches, progress: source.progress, close };
  } catch (err) {
    await close();
    throw err;
  }
}
