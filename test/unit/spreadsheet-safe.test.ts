import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spreadsheetSafe } from '../../src/reports/spreadsheet-safe.js';

describe('spreadsheet formula neutralization', () => {
  it('prefixes text that a spreadsheet would evaluate', () => {
    for (const bad of ['=HYPERLINK("http://x")', '+1+2', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) {
      assert.equal(spreadsheetSafe(bad), `'${bad}`, JSON.stringify(bad));
    }
  });
  it('leaves ordinary text alone', () => {
    for (const ok of ['team-ml', 'a=b', '', ' =1 is spaced', 'Amazon EC2'])
      assert.equal(spreadsheetSafe(ok), ok);
  });
});
