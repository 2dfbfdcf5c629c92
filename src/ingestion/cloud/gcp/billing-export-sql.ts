/**
 * The BigQuery SQL that aggregates a Cloud Billing export for one invoice month inside BigQuery:
 * one row per day, project, service, SKU, resource, location, cost type and label set, plus one
 * row per credit (credits become their own FOCUS charges). Money is summed as BIGNUMERIC and
 * returned as text, so no float ever adds up costs.
 */
export interface ExportShape {
  /** The detailed (resource-level) export has `resource`; the standard one does not. */
  detailed: boolean;
  /** Newer exports carry the list-price cost per row. */
  costAtList: boolean;
}

const money = (expr: string) => `CAST(SUM(CAST(${expr} AS BIGNUMERIC)) AS STRING)`;

export function columnsQuery(table: string): { query: string; params: Record<string, string> } {
  const [project, dataset, name] = table.split('.') as [string, string, string];
  return {
    query: `SELECT column_name FROM \`${project}.${dataset}\`.INFORMATION_SCHEMA.COLUMNS WHERE table_name = @table`,
    params: { table: name },
  };
}

export function billingExportQuery(table: string, shape: ExportShape): string {
  const keys = (credit: boolean) => `
    '${credit ? 'credit' : 'usage'}' AS row_kind,
    FORMAT_TIMESTAMP('%F', usage_start_time, 'UTC') AS day,
    billing_account_id,
    project.id AS project_id,
    project.name AS project_name,
    service.id AS service_id,
    service.description AS service_name,
    sku.id AS sku_id,
    sku.description AS sku_name,
    location.region AS region,
    location.zone AS zone,
    location.location AS location,
    ${shape.detailed ? 'resource.name' : 'CAST(NULL AS STRING)'} AS resource_name,
    ${shape.detailed ? 'resource.global_name' : 'CAST(NULL AS STRING)'} AS resource_id,
    cost_type,
    currency,
    usage.unit AS usage_unit,
    usage.pricing_unit AS pricing_unit,
    TO_JSON_STRING(ARRAY(SELECT AS STRUCT l.key, l.value FROM UNNEST(labels) AS l ORDER BY l.key, l.value)) AS label_json,
    ${credit ? 'c.type' : 'CAST(NULL AS STRING)'} AS credit_type,
    ${credit ? 'c.name' : 'CAST(NULL AS STRING)'} AS credit_name`;
  const groupBy = `GROUP BY ${Array.from({ length: 21 }, (_, i) => i + 1).join(', ')}`;
  // _PARTITIONTIME bounds the bytes scanned: the export tables are day-partitioned.
  const where = 'invoice.month = @month AND _PARTITIONTIME >= TIMESTAMP(@scan_from)';
  return `WITH src AS (SELECT * FROM \`${table}\` WHERE ${where})
SELECT ${keys(false)},
    ${money('cost')} AS cost,
    ${shape.costAtList ? money('cost_at_list') : 'CAST(NULL AS STRING)'} AS list_cost,
    ${money('usage.amount')} AS usage_amount,
    ${money('usage.amount_in_pricing_units')} AS pricing_quantity
  FROM src ${groupBy}
UNION ALL
SELECT ${keys(true)},
    ${money('c.amount')} AS cost,
    CAST(NULL AS STRING) AS list_cost,
    CAST(NULL AS STRING) AS usage_amount,
    CAST(NULL AS STRING) AS pricing_quantity
  FROM src, UNNEST(credits) AS c ${groupBy}`;
}

/** One aggregated row as the query returns it (every value text or null). */
export interface ExportRow {
  row_kind: 'usage' | 'credit';
  day: string;
  billing_account_id: string | null;
  project_id: string | null;
  project_name: string | null;
  service_id: string | null;
  service_name: string | null;
  sku_id: string | null;
  sku_name: string | null;
  region: string | null;
  zone: string | null;
  location: string | null;
  resource_name: string | null;
  resource_id: string | null;
  cost_type: string | null;
  currency: string | null;
  usage_unit: string | null;
  pricing_unit: string | null;
  label_json: string | null;
  credit_type: string | null;
  credit_name: string | null;
  cost: string | null;
  list_cost: string | null;
  usage_amount: string | null;
  pricing_quantity: string | null;
}
