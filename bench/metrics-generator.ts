import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { seededRandom } from '../src/ingestion/gpu/seeded-random.js';

const METRICS = ['requests', 'tokens', 'orders', 'active-users', 'api.calls', 'gb-served'];
const TEAMS = Array.from({ length: 500 }, (_, i) => `team-${String(i).padStart(3, '0')}`);
const DAY = 86_400_000;

/**
 * A business-metrics CSV of at least `bytes` bytes, streamed and seeded (the same file for the
 * same size): daily values of six metrics for 500 teams, one calendar day after another from
 * 2010-01-01, so every row has its own key. Returns the rows written.
 */
export async function generateMetricsCsv(file: string, bytes: number): Promise<number> {
  const random = seededRandom(7);
  const out = createWriteStream(file);
  out.write('metric,date,team,product,value,unit\n');
  let written = 0;
  let size = 0;
  for (let day = Date.UTC(2010, 0, 1); size < bytes; day += DAY) {
    const date = new Date(day).toISOString().slice(0, 10);
    let chunk = '';
    for (const metric of METRICS)
      for (const team of TEAMS) {
        const value = (random() * 1e6).toFixed(random() < 0.5 ? 0 : 3);
        chunk += `${metric},${date},${team},,${value},${metric === 'gb-served' ? 'GB' : ''}\n`;
        written++;
      }
    size += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  out.end();
  await finished(out);
  return written;
}
