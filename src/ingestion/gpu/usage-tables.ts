import { EntitySchema, EntitySchemaColumnOptions } from 'typeorm';
import type { GpuUsageRow } from './gpu-series.js';
import type { ResourceUsageRow } from './resource-series.js';

export type SqlType = 'text' | 'double precision' | 'integer' | 'timestamptz';
interface UsageColumn<R> {
  column: string;
  type: SqlType;
  nullable: boolean;
  value: (row: R) => string | number | null;
}

const col = <R>(
  column: string,
  type: SqlType,
  value: (row: R) => string | number | null,
  nullable = true,
): UsageColumn<R> => ({ column, type, nullable, value });

/** gpu_usage, in COPY order after source_id and import_run_id: an hour of one GPU for one owner. */
export const GPU_USAGE_COLUMNS: UsageColumn<GpuUsageRow>[] = [
  col('hour', 'timestamptz', (r) => r.hour, false),
  col('host', 'text', (r) => r.host, false),
  col('gpu_uuid', 'text', (r) => r.gpuUuid, false),
  col('gpu_index', 'text', (r) => r.gpuIndex),
  col('model', 'text', (r) => r.model),
  col('mig_profile', 'text', (r) => r.migProfile),
  col('mig_instance', 'text', (r) => r.migInstance),
  col('namespace', 'text', (r) => r.namespace),
  col('pod', 'text', (r) => r.pod),
  col('container', 'text', (r) => r.container),
  col('workload', 'text', (r) => r.workload),
  col('team', 'text', (r) => r.team),
  col('resource_id', 'text', (r) => r.resourceId),
  col('samples', 'integer', (r) => r.samples, false),
  col('covered_seconds', 'integer', (r) => r.coveredSeconds, false),
  col('gpu_util_avg', 'double precision', (r) => r.gpuUtilAvg),
  col('gpu_util_p95', 'double precision', (r) => r.gpuUtilP95),
  col('sm_active_avg', 'double precision', (r) => r.smActiveAvg),
  col('sm_active_p95', 'double precision', (r) => r.smActiveP95),
  col('gr_engine_active_avg', 'double precision', (r) => r.grEngineActiveAvg),
  col('gr_engine_active_p95', 'double precision', (r) => r.grEngineActiveP95),
  col('fb_used_avg_mib', 'double precision', (r) => r.fbUsedAvgMib),
  col('fb_used_max_mib', 'double precision', (r) => r.fbUsedMaxMib),
  col('fb_total_mib', 'double precision', (r) => r.fbTotalMib),
  col('power_avg_w', 'double precision', (r) => r.powerAvgW),
];

/** resource_usage: an hour of one compute resource (CPU as a 0–1 fraction, memory in bytes). */
export const RESOURCE_USAGE_COLUMNS: UsageColumn<ResourceUsageRow>[] = [
  col('hour', 'timestamptz', (r) => r.hour, false),
  col('host', 'text', (r) => r.host, false),
  col('resource_id', 'text', (r) => r.resourceId),
  col('samples', 'integer', (r) => r.samples, false),
  col('covered_seconds', 'integer', (r) => r.coveredSeconds, false),
  col('cpu_avg', 'double precision', (r) => r.cpuAvg),
  col('cpu_p95', 'double precision', (r) => r.cpuP95),
  col('cpu_max', 'double precision', (r) => r.cpuMax),
  col('memory_used_avg_bytes', 'double precision', (r) => r.memoryUsedAvgBytes),
  col('memory_used_max_bytes', 'double precision', (r) => r.memoryUsedMaxBytes),
  col('memory_total_bytes', 'double precision', (r) => r.memoryTotalBytes),
];

export type UsageTable = 'gpu_usage' | 'resource_usage';

function schema(name: string, table: UsageTable, columns: UsageColumn<never>[]) {
  return new EntitySchema<Record<string, unknown>>({
    name,
    tableName: table,
    columns: {
      id: { type: 'bigint', primary: true, generated: 'increment' },
      source_id: { type: 'integer' },
      import_run_id: { type: 'bigint' },
      ...Object.fromEntries(
        columns.map((c) => [
          c.column,
          { type: c.type, nullable: c.nullable } satisfies EntitySchemaColumnOptions,
        ]),
      ),
    },
  });
}

/** TypeORM's view of the usage tables (schema-drift test, metadata); rows are written by COPY. */
export const GpuUsageSchema = schema(
  'GpuUsage',
  'gpu_usage',
  GPU_USAGE_COLUMNS as UsageColumn<never>[],
);
export const ResourceUsageSchema = schema(
  'ResourceUsage',
  'resource_usage',
  RESOURCE_USAGE_COLUMNS as UsageColumn<never>[],
);

/** Raw dcgm-exporter scrapes waiting for their hour to close (dcgm-scrape sources). */
export const GpuScrapeSampleSchema = new EntitySchema<Record<string, unknown>>({
  name: 'GpuScrapeSample',
  tableName: 'gpu_scrape_sample',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment' },
    source_id: { type: 'integer' },
    scraped_at: { type: 'timestamptz' },
    target: { type: 'text' },
    body: { type: 'text' },
  },
});
