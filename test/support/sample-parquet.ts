import { readFileSync } from 'node:fs';
import { SAMPLE_CSV } from './fixtures.js';

/** The sample (or another CSV of it) as Parquet: DECIMAL(38, 11) money, millisecond timestamps. */
export async function writeSampleParquet(target: string, csv = SAMPLE_CSV): Promise<void> {
  const { parquetWriteFile } = await import('hyparquet-writer');
  const Papa = (await import('papaparse')).default;
  const { Decimal } = await import('decimal.js');
  const parsed = Papa.parse<string[]>(readFileSync(csv, 'utf8'), { skipEmptyLines: true });
  const [header, ...rows] = parsed.data as string[][];
  const money = new Set(['BilledCost', 'EffectiveCost', 'ListCost', 'ContractedCost']);
  const schema: Record<string, unknown>[] = [{ name: 'root', num_children: header!.length }];
  const columnData = header!.map((name, i) => {
    const values = rows.map((r) => (r[i] === 'NULL' ? null : r[i]!));
    if (money.has(name)) {
      // DECIMAL(38, 11) stored as unscaled integers, as provider exports do.
      schema.push({
        name,
        type: 'FIXED_LEN_BYTE_ARRAY',
        type_length: 16,
        converted_type: 'DECIMAL',
        scale: 11,
        precision: 38,
        repetition_type: 'OPTIONAL',
      });
      return {
        name,
        data: values.map((v) =>
          v === null ? null : BigInt(new Decimal(v).times(1e11).toFixed(0)),
        ),
      };
    }
    if (name.endsWith('PeriodStart') || name.endsWith('PeriodEnd')) {
      schema.push({
        name,
        type: 'INT64',
        converted_type: 'TIMESTAMP_MILLIS',
        repetition_type: 'OPTIONAL',
      });
      return {
        name,
        data: values.map((v) => (v === null ? null : new Date(`${v.replace(' ', 'T')}Z`))),
      };
    }
    schema.push({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' });
    return { name, data: values };
  });
  parquetWriteFile({ filename: target, columnData, schema } as never);
}
