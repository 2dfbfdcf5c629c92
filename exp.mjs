import fs from 'node:fs';
import { readCsvBatches } from './dist/src/ingestion/focus-file/csv-row-source.js';
import { planHeader } from './dist/src/ingestion/focus-file/focus-header.js';
import { normalizeRow } from './dist/src/ingestion/focus-file/focus-row.normalizer.js';
import { copyField } from './dist/src/ingestion/copy-text.js';
const mode = process.argv[2];
let t = Date.now(), n = 0, bytes = 0, plan;
for await (const batch of readCsvBatches(fs.createReadStream('/tmp/gen200k.csv', { highWaterMark: 1<<20 }))) {
  for (const r of batch) {
    if (!plan) { plan = planHeader(r.cells); continue; }
    n++;
    if (mode === 'parse') continue;
    const res = normalizeRow(plan, r.cells, r.line);
    if (mode === 'norm') continue;
    let text = `1\t1\t${res.row.period}\t${r.line}\t${copyField(res.row.extensions)}`;
    for (const v of res.row.values) text += '\t' + copyField(v);
    bytes += text.length;
  }
}
console.log(mode, n, Date.now() - t, 'ms', process.memoryUsage().rss >> 20, 'MB');
