import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CsvTokenizer } from '../../src/ingestion/focus-file/csv-tokenizer.js';

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

  it('accepts LF files, a last record without a line break, and text after a closing quote', () => {
    assert.deepEqual(tokenize('a,b\n"q"x,2'), [
      [1, ['a', 'b']],
      [2, ['qx', '2']],
    ]);
  });

  it('keeps an unterminated quote to the end of the file as one field', () => {
    assert.deepEqual(tokenize('a,b\n1,"open\n2,3\n'), [
      [1, ['a', 'b']],
      [2, ['1', 'open\n2,3\n']],
    ]);
  });
});
