/** One problem with an input file, located as precisely as the input allows. */
export interface ImportProblem {
  /** The file, when a source reads several (a folder of logs); else the source's own file. */
  file?: string;
  line: number;
  column: string;
  reason: string;
}

export function formatProblem(file: string, p: ImportProblem): string {
  return `${p.file ?? file}:${p.line}: ${p.column}: ${p.reason}`;
}

/** The input cannot be imported; nothing was changed in the database. */
export class ImportValidationError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly ImportProblem[],
    readonly summary: string,
  ) {
    super([summary, ...problems.slice(0, 20).map((p) => `  ${formatProblem(file, p)}`)].join('\n'));
    this.name = 'ImportValidationError';
  }
}

/** Another import of the same source holds the lock; nothing was changed. */
export class ImportBusyError extends Error {
  constructor(readonly source: string) {
    super(`source "${source}" is being imported by another process; try again when it finishes`);
    this.name = 'ImportBusyError';
  }
}

/** Every import slot and queue place is taken; the caller should retry after a while. */
export class ImportsBusyError extends Error {
  readonly retryAfterSeconds = 10;
  constructor(readonly running: number) {
    super(`${running} imports are running and the queue is full; try again shortly`);
    this.name = 'ImportsBusyError';
  }
}
