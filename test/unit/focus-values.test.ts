import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canonicalEnum,
  isNullToken,
  monthOf,
  parseDecimal,
  parseJson,
  parseTags,
  parseTimestamp,
} from '../../src/ingestion/focus-file/focus-values.js';

describe('null tokens', () => {
  it('treats empty and literal NULL/null as null but keeps real values', () => {
    for (const v of ['', 'NULL', 'null', 'Null']) assert.equal(isNullToken(v), true, v);
    for (const v of ['0', 'Not Applicable', 'N', ' ']) assert.equal(isNullToken(v), false, v);
  });
});

describe('decimals', () => {
  it('keeps exact decimal text, including E-notation, signs and many fractional digits', () => {
    assert.equal(parseDecimal('0.00000080000'), '0.00000080000');
    assert.equal(parseDecimal('3.52E-6'), '3.52E-6');
    assert.equal(parseDecimal('-12.5'), '-12.5');
    assert.equal(parseDecimal(' 7 '), '7');
    assert.equal(parseDecimal('.5'), '.5');
    assert.equal(
      parseDecimal('123456789012345678901234.123456789012345678'),
      '123456789012345678901234.123456789012345678',
    );
  });
  it('rejects thousands separators, currency symbols, words and NaN', () => {
    for (const v of ['1,234.5', '$3', 'abc', 'NaN', 'Infinity', '1.2.3', '', '-']) {
      assert.equal(parseDecimal(v), null, v);
    }
  });
});

describe('timestamps', () => {
  it('accepts the FOCUS form and the forms real exports use, all as UTC', () => {
    const cases: [string, string][] = [
      ['2024-09-01T00:00:00Z', '2024-09-01T00:00:00Z'],
      ['2024-09-01 00:00:00', '2024-09-01T00:00:00Z'],
      ['2024-09-01T13:45', '2024-09-01T13:45:00Z'],
      ['2024-09-01', '2024-09-01T00:00:00Z'],
      ['2024-09-01T00:00:00.123Z', '2024-09-01T00:00:00.123Z'],
      ['2024-09-01T00:00:00+00:00', '2024-09-01T00:00:00Z'],
      ['2024-09-01T00:00:00-07:00', '2024-09-01T07:00:00Z'],
      ['2024-09-01 02:30:00+0230', '2024-09-01T00:00:00Z'],
      ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00Z'],
    ];
    for (const [raw, iso] of cases) assert.equal(parseTimestamp(raw), iso, raw);
  });
  it('rejects impossible dates and times (the FOCUS spec example has 30:00:00)', () => {
    for (const v of [
      '2023-02-01T30:00:00Z',
      '2023-02-29',
      '2024-13-01',
      '2024-09-31',
      '09/01/2024',
      'yesterday',
    ]) {
      assert.equal(parseTimestamp(v), null, v);
    }
  });
  it('gives the billing month of a timestamp', () => {
    assert.equal(monthOf('2024-10-01T07:00:00Z'), '2024-10-01');
  });
});

describe('tags', () => {
  it('keeps odd keys exactly as provided (leading spaces, mixed case)', () => {
    assert.equal(
      parseTags('{" Team": "ml", "team": "web", "CostCenter": "42"}'),
      '{" Team":"ml","team":"web","CostCenter":"42"}',
    );
  });
  it('accepts the GCP array form and legacy Azure bodies without braces', () => {
    assert.equal(
      parseTags('[{"key":"env","value":"prod"},{"key":"flag"}]'),
      '{"env":"prod","flag":true}',
    );
    assert.equal(parseTags('"env": "prod", "app": "x"'), '{"env":"prod","app":"x"}');
  });
  it('treats {} and empty as no tags, and returns undefined for unusable text', () => {
    assert.equal(parseTags('{}'), null);
    assert.equal(parseTags(''), null);
    assert.equal(parseTags('{not json'), undefined);
    assert.equal(parseTags('42'), undefined);
  });
  it('parses other JSON columns or reports them unusable', () => {
    assert.equal(parseJson('{"x_Key": 1}'), '{"x_Key":1}');
    assert.equal(parseJson('{broken'), undefined);
  });
});

describe('enumerations', () => {
  it('maps values case-insensitively onto the FOCUS spelling, including 1.0-preview names', () => {
    assert.equal(canonicalEnum('ChargeCategory', 'usage'), 'Usage');
    assert.equal(canonicalEnum('ChargeClass', 'correction'), 'Correction');
    assert.equal(canonicalEnum('PricingCategory', 'On-Demand'), 'Standard');
    assert.equal(canonicalEnum('PricingCategory', 'commitment-based'), 'Committed');
    assert.equal(canonicalEnum('ChargeCategory', 'Refund'), undefined);
  });
});
