import { EntitySchema, EntitySchemaColumnOptions } from 'typeorm';
import { FOCUS_COLUMNS, FocusType } from './focus-columns.js';

const SQL_TYPE: Record<FocusType, EntitySchemaColumnOptions['type']> = {
  text: 'text',
  decimal: 'numeric',
  timestamp: 'timestamptz',
  json: 'jsonb',
};

/**
 * cost_record as TypeORM sees it, built from the FOCUS column catalogue so the two cannot diverge.
 * Rows are written only by the COPY loader; TypeORM uses this for metadata and simple reads.
 * The primary key here is logical ((import_run_id, source_line) identifies a row's origin); the
 * partitioned table has none, which keeps COPY and slice swaps cheap.
 */
export const CostRecordSchema = new EntitySchema<Record<string, unknown>>({
  name: 'CostRecord',
  tableName: 'cost_record',
  columns: {
    import_run_id: { type: 'bigint', primary: true },
    source_line: { type: 'bigint', primary: true },
    source_id: { type: 'integer' },
    billing_period: { type: 'date' },
    extensions: { type: 'jsonb', nullable: true },
    ...Object.fromEntries(
      FOCUS_COLUMNS.map((col) => [
        col.column,
        { type: SQL_TYPE[col.type], nullable: !col.required } satisfies EntitySchemaColumnOptions,
      ]),
    ),
  },
});
