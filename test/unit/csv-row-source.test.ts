import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { readCsvBatches, SourceRow } from '../../src/ingestion/focus-file/csv-row-source.js';

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

  it('reads a last record that has no newline', async () => {
    const r = await rows(['a,b\n1,2']);
    assert.deepEqual(
      r.map((x) => x.cells),
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    );
  });

  it('turns an unterminated quote into a record with the wrong field count, at its line', async () => {
    const r = await rows(['a,b\n1,"oops\n2,3\n']);
    assert.equal(r.length, 2);
    assert.equal(r[1]!.line, 2);
    assert.equal(r[1]!.cells.length, 2);
    assert.match(r[1]!.cells[1]!, /^oops\n2,3/);
  });
});
