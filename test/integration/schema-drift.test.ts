import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COST_RECORD_COLUMNS } from '../../src/billing/focus-columns.js';
import { createTestContext } from '../support/test-app.js';

const { db } = await createTestContext();

/** information_schema spells some types differently from TypeORM's normalized names. */
const SPELLING: Record<string, string> = {
  timestamptz: 'timestamp with time zone',
  int: 'integer',
};
describe('entities and migrations', () => {
  it('describe the same columns, types and nullability (no drift)', async () => {
    for (const meta of db.entityMetadatas) {
      const actual = (await db.query(
        `SELECT column_name, CASE WHEN data_type = 'ARRAY' THEN substr(udt_name, 2) || '[]' ELSE data_type END AS data_type,
                is_nullable = 'YES' AS nullable FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = $1 ORDER BY column_name`,
        [meta.tableName],
      )) as { column_name: string; data_type: string; nullable: boolean }[];
      const expected = meta.columns
        .map((c) => ({
          column_name: c.databaseName,
          data_type: ((t) => (SPELLING[t] ?? t) + (c.isArray ? '[]' : ''))(
            db.driver.normalizeType(c),
          ),
          nullable: c.isNullable,
        }))
        .sort((a, b) => a.column_name.localeCompare(b.column_name));
      assert.deepEqual(actual, expected, `table ${meta.tableName}`);
    }
  });

  it('cover every table of the migrated schema: each has an entity', async () => {
    // Partitions (cost_record's months) share their parent's entity; schema_migration is TypeORM's.
    const tables = (await db.query(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND c.relname <> 'schema_migration' ORDER BY 1`,
    )) as { name: string }[];
    assert.ok(tables.length >= 14, `${tables.length} tables`);
    assert.deepEqual(
      tables.map((t) => t.name),
      db.entityMetadatas.map((m) => m.tableName).sort(),
      'add an EntitySchema for the new table to ENTITIES (src/database/data-source.ts)',
    );
  });

  it('load cost_record with every column the loader writes', async () => {
    const rows = (await db.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'cost_record'`,
    )) as { column_name: string }[];
    assert.deepEqual(rows.map((r) => r.column_name).sort(), [...COST_RECORD_COLUMNS].sort());
  });
});
