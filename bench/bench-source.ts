import type pg from 'pg';

/**
 * The bench's source and import run, and September 2024's partitions laid out as the importer
 * makes them (a partition per month, a sub-partition per source). Returns their ids.
 */
export async function createBenchSource(
  client: pg.Client,
): Promise<{ sourceId: number; runId: string }> {
  const {
    rows: [source],
  } = await client.query<{ id: number }>(
    `INSERT INTO billing_source (name, kind) VALUES ('bench', 'focus-file') RETURNING id`,
  );
  const {
    rows: [run],
  } = await client.query<{ id: string }>(
    `INSERT INTO import_run (source_id, trigger, file_name, status) VALUES ($1, 'cli', 'bench', 'succeeded') RETURNING id`,
    [source!.id],
  );
  await client.query(
    `CREATE TABLE cost_record_2024_09 PARTITION OF cost_record
       FOR VALUES FROM ('2024-09-01') TO ('2024-10-01') PARTITION BY LIST (source_id)`,
  );
  await client.query(
    `CREATE TABLE cost_record_2024_09_s${source!.id} PARTITION OF cost_record_2024_09 FOR VALUES IN (${source!.id})`,
  );
  return { sourceId: source!.id, runId: run!.id };
}
