import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CsvSyntaxError, CsvTokenizer } from '../../src/ingestion/focus-file/csv-tokenizer.js';

/** Tokenizes `text` fed in pieces cut at every position in `cuts`. */
function tokenize(text: string, cuts: number[] = []): [number, string[]][] {
  const out: [number, string[]][] = [];
  const t = new CsvTokenizer();
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    t.push(text.slice(from, cut), (cells, line) => out.push([line, cells]));
    from = cut;
  }
  t.end((cells, line) => out.push([line, cells]));
  return out;
}

const SAMPLE = 'a,b,c\r\n"x, ""y""","multi\r\nline",\r\n\r\nplain,"",last\r\n';
const EXPECTED: [number, string[]][] = [
  [1, ['a', 'b', 'c']],
  [2, ['x, "y"', 'multi\r\nline', '']],
  [5, ['plain', '', 'last']],
];

describe('CSV tokenizer', () => {
  it('splits quoted, escaped, empty and multi-line fields with the line each record starts on', () => {
    assert.deepEqual(tokenize(SAMPLE), EXPECTED);
  });

  it('gives the same records however the input is cut into chunks', () => {
    for (let cut = 1; cut < SAMPLE.length; cut++) {
      assert.deepEqual(tokenize(SAMPLE, [cut]), EXPECTED, `cut at ${cut}`);
    }
    assert.deepEqual(tokenize(SAMPLE, [3, 9, 10, 11, 20, 21, 30, 31, 32, 40]), EXPECTED);
  });

  it('keeps every field of a record with a stray comma, so the count shows the problem', () => {
    assert.deepEqual(tokenize('a,b\n1,2,3\n4\n'), [
      [1, ['a', 'b']],
      [2, ['1', '2', '3']],
      [3, ['4']],
    ]);
  });

  it('accepts LF files, text after a closing quote, and a one-line file without a line break', () => {
    assert.deepEqual(tokenize('a,b\n"q"x,2\n'), [
      [1, ['a', 'b']],
      [2, ['qx', '2']],
    ]);
    assert.deepEqual(tokenize('a,b'), [[1, ['a', 'b']]]);
  });

  it('refuses a file cut inside a quoted field, naming the record, the field and the quote line', () => {
    const text = 'a,b,c\n1,"x\ny",ok\n2,"open\n3,4\n';
    for (const cut of [[], [13], [20]]) {
      assert.throws(
        () => tokenize(text, cut),
        (e: unknown) =>
          e instanceof CsvSyntaxError &&
          e.line === 4 &&
          e.field === 2 &&
          /opened on line 4 never closes: the file is truncated/.test(e.reason),
      );
    }
  });

  it('refuses a last record without a line break (a cut file), whole fields or not', () => {
    // The 500-row sample cut at byte 14451 ends like this: inside the last field, quotes balanced.
    for (const tail of ['2,"{""app"": ""Bright"', '2,x', '2,']) {
      assert.throws(
        () => tokenize(`a,b\r\n1,y\r\n${tail}`),
        (e: unknown) =>
          e instanceof CsvSyntaxError && e.line === 3 && /no line break.*truncated/.test(e.reason),
        tail,
      );
    }
  });
});
