import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { copyField, copyLine } from '../../src/ingestion/copy-text.js';
import { scaledDecimal } from '../../src/ingestion/focus-file/parquet-row-source.js';

describe('COPY text encoding', () => {
  it('escapes the characters COPY text treats specially and writes NULL as \\N', () => {
    assert.equal(copyField(null), '\\N');
    assert.equal(copyField('a\tb\nc\\d\re'), 'a\\tb\\nc\\\\d\\re');
    assert.equal(copyField('nul\0byte'), 'nulbyte');
    assert.equal(copyLine(['1', null, 'x y']), '1\t\\N\tx y\n');
  });
});

describe('Parquet DECIMAL', () => {
  it('formats unscaled integers exactly, with no float rounding', () => {
    assert.equal(scaledDecimal(123456789012345678901234567n, 10), '12345678901234567.8901234567');
    assert.equal(scaledDecimal(-5n, 3), '-0.005');
    assert.equal(scaledDecimal(42n, 0), '42');
  });
});
