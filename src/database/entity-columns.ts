import { EntitySchema, EntitySchemaColumnOptions } from 'typeorm';

type SqlType =
  'text' | 'bigint' | 'integer' | 'numeric' | 'date' | 'timestamptz' | 'jsonb' | 'double precision';

/**
 * An entity for a table whose module reads and writes it in SQL: its columns as the migration
 * declares them, `name: 'type'` with `?` for a nullable one, primary key first. The schema is the
 * migrations'; the entity lets the drift test (test/integration/schema-drift.test.ts) check it.
 */
export function tableEntity(
  table: string,
  primary: Record<string, SqlType | 'identity'>,
  rest: Record<string, SqlType | `${SqlType}?`>,
): EntitySchema {
  const column = (type: string): EntitySchemaColumnOptions => {
    const nullable = type.endsWith('?');
    return { type: (nullable ? type.slice(0, -1) : type) as SqlType, nullable };
  };
  // `identity`: bigint GENERATED ALWAYS AS IDENTITY; the database assigns it.
  const key = (type: SqlType | 'identity'): EntitySchemaColumnOptions => ({
    type: type === 'identity' ? 'bigint' : type,
    primary: true,
  });
  return new EntitySchema({
    name: table,
    tableName: table,
    columns: {
      ...Object.fromEntries(Object.entries(primary).map(([n, t]) => [n, key(t)])),
      ...Object.fromEntries(Object.entries(rest).map(([n, t]) => [n, column(t)])),
    },
  });
}
