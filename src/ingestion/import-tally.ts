import { ImportProblem } from './import-errors.js';
import { ImportRun, RejectedRow } from './import-run.entity.js';

const MAX_PROBLEMS = 20;
const MAX_KEPT_REJECTS = 1000;

/**
 * What an import has seen so far: rows read, rows rejected (the first 20 problems for the report,
 * the first 1,000 rejected rows kept on the run) and counts of odd values kept as warnings.
 */
export class ImportTally {
  rowsRead = 0;
  rejectedRows = 0;
  readonly problems: ImportProblem[] = [];
  readonly rejected: RejectedRow[] = [];
  readonly warnings: Record<string, number> = {};

  constructor(readonly maxRejects: number) {}

  accepted(warnings: readonly string[] | null): void {
    this.rowsRead++;
    for (const w of warnings ?? []) this.warnings[w] = (this.warnings[w] ?? 0) + 1;
  }

  rejectedRow(line: number, problems: readonly ImportProblem[]): void {
    this.rowsRead++;
    this.rejectedRows++;
    if (this.problems.length < MAX_PROBLEMS) {
      this.problems.push(...problems.slice(0, MAX_PROBLEMS - this.problems.length));
    }
    if (this.rejected.length < MAX_KEPT_REJECTS) {
      this.rejected.push({
        line,
        problems: problems.map(({ column, reason }) => ({ column, reason })),
      });
    }
  }

  /** What the run stores of the tally: counts, the first problems, kept rejects, warnings. */
  runValues(): Partial<ImportRun> {
    return {
      rowsRead: String(this.rowsRead),
      rowsRejected: String(this.rejectedRows),
      problems: this.problems,
      rejected: this.rejected,
      warnings: this.warnings,
    };
  }

  /** More bad rows than allowed: the import will fail. */
  get overLimit(): boolean {
    return this.rejectedRows > this.maxRejects;
  }

  /** The import will fail and its report is complete: reading on would change nothing. */
  get hopeless(): boolean {
    return this.overLimit && this.problems.length >= MAX_PROBLEMS;
  }
}
