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

  it('load cost_record with every column the loader writes', async () => {
    const rows = (await db.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'cost_record'`,
    )) as { column_name: string }[];
    assert.deepEqual(rows.map((r) => r.column_name).sort(), [...COST_RECORD_COLUMNS].sort());
  });
});
