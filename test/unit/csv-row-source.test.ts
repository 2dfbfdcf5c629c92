import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { readCsvBatches, SourceRow } from '../../src/ingestion/focus-file/csv-row-source.js';
import { CsvSyntaxError } from '../../src/ingestion/focus-file/csv-tokenizer.js';

async function rows(chunks: (string | Buffer)[]): Promise<SourceRow[]> {
  const out: SourceRow[] = [];
  const input = Readable.from(chunks.map((c) => Buffer.from(c)));
  for await (const batch of readCsvBatches(input)) out.push(...batch);
  return out;
}

describe('CSV reading', () => {
  it('gives each record the line it starts on, across quoted newlines, CRLF and blank lines', async () => {
    const r = await rows(['\na,b\r\n1,"x\r\n\r\ny"\r\n\r\n2,"q,""z"""\r\n\n']);
    assert.deepEqual(r, [
      { line: 2, cells: ['a', 'b'] },
      { line: 3, cells: ['1', 'x\r\n\r\ny'] },
      { line: 7, cells: ['2', 'q,"z"'] },
    ]);
  });

  it('joins records and multi-byte characters split across chunks', async () => {
    const euro = Buffer.from('€');
    const r = await rows([
      'a,b\n1,"spl',
      'it"\n2,',
      Buffer.from([0x78, euro[0]!]),
      Buffer.from([euro[1]!, euro[2]!]),
      ',x\n',
    ]);
    assert.deepEqual(
      r.map((x) => x.cells),
      [
        ['a', 'b'],
        ['1', 'split'],
        ['2', 'x€', 'x'],
      ],
    );
  });

  it('refuses a last record that has no newline as a truncated file', async () => {
    await assert.rejects(
      rows(['a,b\n', '1,2']),
      (e: unknown) => e instanceof CsvSyntaxError && e.line === 2 && /truncated/.test(e.reason),
    );
  });

  it('refuses bytes that are not UTF-8 with their line and column instead of turning them into U+FFFD', async () => {
    const latin1 = Buffer.from('a,b\n1,caf\xe9\n', 'latin1');
    for (const chunks of [[latin1], [latin1.subarray(0, 5), latin1.subarray(5)]]) {
      await assert.rejects(
        rows(chunks),
        (e: unknown) =>
          e instanceof CsvSyntaxError &&
          e.line === 2 &&
          /column 6: bytes that are not valid UTF-8/.test(e.reason),
      );
    }
    // A multi-byte character cut by the end of the file.
    await assert.rejects(rows(['a,b\n1,', Buffer.from([0xe2, 0x82])]), /not valid UTF-8/);
  });

  it('drops a UTF-8 byte order mark before the header', async () => {
    const r = await rows([Buffer.from([0xef, 0xbb, 0xbf]), 'a,b\n1,2\n']);
    assert.deepEqual(r[0], { line: 1, cells: ['a', 'b'] });
  });

  it('refuses an unterminated quote as a truncated file, at the line of its record', async () => {
    await assert.rejects(
      rows(['a,b\n1,"oops\n2,3\n']),
      (e: unknown) =>
        e instanceof CsvSyntaxError && e.line === 2 && e.field === 2 && /truncated/.test(e.reason),
    );
  });
});
