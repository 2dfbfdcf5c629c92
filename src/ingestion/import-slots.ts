import { ImportsBusyError } from './import-errors.js';

/**
 * Bounds the imports this process runs at once: each holds database connections (its lock and
 * its COPYs) and an open file. Callers beyond the limit wait in line for a slot; a caller that
 * must not wait long (an HTTP upload) is refused with ImportsBusyError when the line is full.
 */
export class ImportSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly limit: number,
    readonly queueLimit: number,
  ) {}

  /** Runs `work` in a slot. `refuseWhenFull`: fail at once instead of queueing past queueLimit. */
  async run<T>(work: () => Promise<T>, refuseWhenFull: boolean): Promise<T> {
    await this.acquire(refuseWhenFull);
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private async acquire(refuseWhenFull: boolean): Promise<void> {
    if (this.running < this.limit) {
      this.running++;
      return;
    }
    if (refuseWhenFull && this.waiting.length >= this.queueLimit) {
      throw new ImportsBusyError(this.running);
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Hands the slot straight to the next in line, or frees it. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
