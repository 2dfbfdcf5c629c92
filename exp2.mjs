import fs from 'node:fs';
import { inferSchema, initParser } from 'udsv';
let t = Date.now(), n = 0, parser, cells=0;
const stream = fs.createReadStream('/tmp/gen200k.csv', { highWaterMark: 1<<20 });
const onRow = (row) => { n++; cells += row.length; };
for await (const chunk of stream) {
  const s = chunk.toString();
  parser ??= initParser(inferSchema(s, { col: ',', row: '\n', encl: '"' }));
  parser.chunk(s, parser.stringArrs, onRow);
}
parser.end();
console.log('udsv', n, cells/n, Date.now() - t, 'ms');
