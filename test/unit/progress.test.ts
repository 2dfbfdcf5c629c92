import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProgressPrinter } from '../../src/cli/progress.js';

describe('import progress line', () => {
  it('rewrites one line on a terminal, throttled, and clears it at the end', () => {
    const written: string[] = [];
    let clock = 1_000;
    const print = createProgressPrinter(
      'big.csv',
      { isTTY: true, write: (t) => written.push(t) },
      () => clock,
    )!;
    clock = 2_000;
    print({ rows: 100_000, fraction: 0.25 });
    clock = 2_100;
    print({ rows: 110_000, fraction: 0.27 }); // within 250 ms: skipped
    clock = 3_000;
    print({ rows: 400_000, fraction: 1 });
    assert.deepEqual(written, [
      '\rbig.csv:  25%  100,000 rows  100,000 rows/s\x1b[K',
      '\rbig.csv: 100%  400,000 rows  200,000 rows/s\x1b[K',
      '\r\x1b[K',
    ]);
  });

  it('prints nothing when output is not a terminal', () => {
    assert.equal(
      createProgressPrinter('x', { isTTY: false, write: () => assert.fail() }),
      undefined,
    );
  });
});
