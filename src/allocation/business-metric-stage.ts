import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { BufferedCopy } from '../ingestion/buffered-copy.js';
import { copyLine } from '../ingestion/copy-text.js';
import { MetricEntries, MetricInputError } from './business-metric-input.js';

/** The batch being stored, with each value's position in its input; gone at commit or rollback. */
export const STAGE_SQL = `CREATE TEMP TABLE metric_stage (
  pos bigint NOT NULL, metric text NOT NULL, granularity text NOT NULL, day date NOT NULL,
  team text, product text, value numeric NOT NULL, unit text) ON COMMIT DROP`;

const KEY = `metric, granularity, day, coalesce(team, ''), coalesce(product, '')`;

/** COPYs the values into the stage as they are read (back-pressure included); the row count. */
export async function copyToStage(client: PoolClient, entries: MetricEntries): Promise<number> {
  const copy = new BufferedCopy(client.query(copyFrom('COPY metric_stage FROM STDIN')));
  try {
    for await (const batch of entries.values)
      for (const { value: v, pos } of batch) {
        const wait = copy.push(
          copyLine([
            String(pos),
            v.metric,
            v.granularity,
            v.day,
            v.team,
            v.product,
            v.value,
            v.unit,
          ]),
        );
        if (wait) await wait;
      }
    await copy.end();
    return copy.rows;
  } catch (err) {
    await copy.destroy();
    throw err;
  }
}

/**
 * Upserts the stage into business_metric (last value wins against stored ones). A key given
 * twice in the batch makes PostgreSQL refuse the statement (21000: ON CONFLICT DO UPDATE cannot
 * affect a row twice); only then the stage is searched for the first repeat, to name both places.
 */
export async function upsertStage(
  client: PoolClient,
  entries: MetricEntries,
  origin: string,
  loadedBy: string,
): Promise<void> {
  await client.query('SAVEPOINT upsert');
  try {
    await client.query(
      `INSERT INTO business_metric
         (metric, granularity, day, team, product, value, unit, origin, loaded_by)
       SELECT metric, granularity, day, team, product, value, unit, $1, $2 FROM metric_stage
       ON CONFLICT (${KEY})
       DO UPDATE SET value = excluded.value, unit = excluded.unit, origin = excluded.origin,
                     loaded_by = excluded.loaded_by, loaded_at = now()`,
      [origin, loadedBy],
    );
  } catch (err) {
    if ((err as { code?: string }).code !== '21000') throw err;
    await client.query('ROLLBACK TO SAVEPOINT upsert');
    const [repeat] = (
      await client.query<{ pos: string; first: string }>(
        `SELECT pos, first FROM (SELECT pos, min(pos) OVER (PARTITION BY ${KEY}) AS first
                                   FROM metric_stage) s
          WHERE pos <> first ORDER BY pos LIMIT 1`,
      )
    ).rows;
    if (!repeat) throw err;
    throw new MetricInputError(
      entries.where(Number(repeat.pos)),
      'metric',
      `same value key as ${entries.where(Number(repeat.first))}`,
    );
  }
}
