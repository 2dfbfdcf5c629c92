import fs from 'node:fs';
import { readCsvBatches } from './dist/src/ingestion/focus-file/csv-row-source.js';
import { planHeader } from './dist/src/ingestion/focus-file/focus-header.js';
import { normalizeRow } from './dist/src/ingestion/focus-file/focus-row.normalizer.js';
import { copyField } from './dist/src/ingestion/copy-text.js';
import { acquireEmbeddedPostgres } from './dist/src/database/embedded-postgres.js';
import { createLogger } from './dist/src/logging/logger.js';
import { COST_RECORD_COLUMNS } from './dist/src/billing/focus-columns.js';
import { createDataSource, migrate } from './dist/src/database/data-source.js';
import pg from 'pg'; import { from as copyFrom } from 'pg-copy-streams'; import { pipeline } from 'node:stream/promises';
const out = fs.createWriteStream('/tmp/copy200k.txt'); let plan;
for await (const batch of readCsvBatches(fs.createReadStream('/tmp/gen200k.csv'))) {
  let s='';
  for (const r of batch) { if (!plan) { plan = planHeader(r.cells); continue; }
    const res = normalizeRow(plan, r.cells, r.line);
    let text = `1\t1\t${res.row.period}\t${r.line}\t${copyField(res.row.extensions)}`;
    for (const v of res.row.values) text += '\t' + copyField(v);
    s += text + '\n'; }
  out.write(s);
}
out.end(); await new Promise(r=>out.on('finish',r));
const e = await acquireEmbeddedPostgres('/tmp/pgb', createLogger('warn', false));
const ds = createDataSource(e.url); await ds.initialize(); await migrate(ds); await ds.destroy();
const c = new pg.Client(e.url); await c.connect();
for (const variant of ['full', 'nojson']) {
  const t=Date.now();
  await c.query('BEGIN'); await c.query('CREATE TABLE st (LIKE cost_record INCLUDING DEFAULTS)');
  if (variant==='nojson') { await c.query('ALTER TABLE st ALTER extensions TYPE text, ALTER tags TYPE text'); }
  await pipeline(fs.createReadStream('/tmp/copy200k.txt'), c.query(copyFrom(`COPY st (${COST_RECORD_COLUMNS.join(',')}) FROM STDIN`)));
  await c.query('ROLLBACK');
  console.log(variant, Date.now()-t, 'ms');
}
await c.end(); await e.release();
