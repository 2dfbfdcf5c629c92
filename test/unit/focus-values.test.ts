import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canonicalEnum,
  decimalInRange,
  focusSpelling,
  isCurrencyCode,
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
      ['2024-09-01T00:00:00+14:00', '2024-08-31T10:00:00Z'],
      ['0050-03-01T01:00:00+02:00', '0050-02-28T23:00:00Z'],
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
      '0000-01-01T00:00:00Z',
      '2024-09-01T00:00:00+99:99',
      '2024-09-01T00:00:00+15:00',
      '2024-09-01T00:00:00-12:60',
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
  it('refuses JSON that PostgreSQL jsonb cannot store: NUL and unpaired surrogates', () => {
    assert.equal(parseTags('{"team": "a\\u0000b"}'), undefined);
    assert.equal(parseJson('{"k": "\\ud800"}'), undefined);
    assert.equal(parseTags('{"team": "\\\\u0000"}'), '{"team":"\\\\u0000"}'); // a backslash, then text
    assert.equal(parseTags('{"team": "\\ud83d\\ude00"}'), '{"team":"\u{1F600}"}');
  });
  it('parses other JSON columns or reports them unusable', () => {
    assert.equal(parseJson('{"x_Key": 1}'), '{"x_Key":1}');
    assert.equal(parseJson('{broken'), undefined);
  });
});

describe('enumerations', () => {
  it('takes values only in the FOCUS spelling (case-sensitive), mapping 1.0-preview renames', () => {
    assert.equal(canonicalEnum('ChargeCategory', 'Usage'), 'Usage');
    assert.equal(canonicalEnum('ChargeFrequency', 'Usage-Based'), 'Usage-Based');
    assert.equal(canonicalEnum('PricingCategory', 'On-Demand'), 'Standard');
    assert.equal(canonicalEnum('PricingCategory', 'Commitment-Based'), 'Committed');
    for (const [name, raw] of [
      ['ChargeCategory', 'usage'],
      ['ChargeFrequency', 'Usage-based'],
      ['ChargeClass', 'correction'],
      ['ChargeCategory', ' Usage'],
      ['ChargeCategory', 'Refund'],
      ['ChargeFrequency', 'onetime'],
    ] as const) {
      assert.equal(canonicalEnum(name, raw), undefined, raw);
    }
  });
  it('names the FOCUS spelling of a value that differs only in case or spaces', () => {
    assert.equal(focusSpelling('ChargeFrequency', 'Usage-based'), 'Usage-Based');
    assert.equal(focusSpelling('ChargeCategory', ' usage '), 'Usage');
    assert.equal(focusSpelling('ChargeCategory', 'Refund'), undefined);
  });
});

describe('currencies and number ranges', () => {
  it('accepts ISO 4217 codes only as three upper-case letters', () => {
    for (const v of ['USD', 'EUR', 'JPY']) assert.equal(isCurrencyCode(v), true, v);
    for (const v of ['usd', 'US Dollar', 'US', 'USDT', ' USD', '$']) {
      assert.equal(isCurrencyCode(v), false, v);
    }
  });
  it('bounds decimals to 38 integer digits and 100 decimal places, E-notation applied', () => {
    for (const v of ['0', '0e5', '-12.5', '3.52E-6', '9'.repeat(38), '1e37', '1.5e-99']) {
      assert.equal(decimalInRange(v), true, v);
    }
    for (const v of [
      '1e400',
      '0e99999',
      '1'.repeat(39),
      '-1e38',
      '1e-101',
      '0.' + '0'.repeat(100) + '1',
    ]) {
      assert.equal(decimalInRange(v), false, v);
    }
    assert.equal(decimalInRange('1' + '0'.repeat(200000)), false);
  });
});
