import { Decimal } from 'decimal.js';
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { fixture } from './fixtures.js';
import { RecordedRequest, Reply } from './loopback-server.js';

/** One raw billing-export line (the columns the importer's query reads). */
export interface ExportLine {
  billing_account_id: string;
  project: { id: string; name: string };
  service: { id: string; description: string };
  sku: { id: string; description: string };
  usage_start_time: string;
  location: { location: string | null; region: string | null; zone: string | null };
  resource: { name: string | null; global_name: string | null };
  cost_type: string;
  currency: string;
  cost: string;
  usage: { amount: string; unit: string; amount_in_pricing_units: string; pricing_unit: string };
  labels: { key: string; value: string }[];
  credits: { name: string; amount: string; type: string }[];
  invoice_month: string;
}

const OUT = [
  'row_kind',
  'day',
  'billing_account_id',
  'project_id',
  'project_name',
  'service_id',
  'service_name',
  'sku_id',
  'sku_name',
  'region',
  'zone',
  'location',
  'resource_name',
  'resource_id',
  'cost_type',
  'currency',
  'usage_unit',
  'pricing_unit',
  'label_json',
  'credit_type',
  'credit_name',
  'cost',
  'list_cost',
  'usage_amount',
  'pricing_quantity',
];

/** What the importer's SQL computes, done in memory: the aggregate rows for one invoice month. */
function aggregate(lines: ExportLine[], month: string): (string | null)[][] {
  const groups = new Map<string, (string | null)[]>();
  const add = (
    keys: (string | null)[],
    cost: string,
    usage: string | null,
    pricing: string | null,
  ) => {
    const id = JSON.stringify(keys);
    const row = groups.get(id) ?? [
      ...keys,
      '0',
      null,
      usage === null ? null : '0',
      pricing === null ? null : '0',
    ];
    row[21] = new Decimal(row[21]!).plus(cost).toString();
    if (usage !== null) row[23] = new Decimal(row[23]!).plus(usage).toString();
    if (pricing !== null) row[24] = new Decimal(row[24]!).plus(pricing).toString();
    groups.set(id, row);
  };
  for (const l of lines.filter((x) => x.invoice_month === month)) {
    const labels = JSON.stringify(
      [...l.labels]
        .sort((a, b) => a.key.localeCompare(b.key))
        .map((x) => ({ key: x.key, value: x.value })),
    );
    const keys = (kind: string, credit?: { type: string; name: string }) => [
      kind,
      l.usage_start_time.slice(0, 10),
      l.billing_account_id,
      l.project.id,
      l.project.name,
      l.service.id,
      l.service.description,
      l.sku.id,
      l.sku.description,
      l.location.region,
      l.location.zone,
      l.location.location,
      l.resource.name,
      l.resource.global_name,
      l.cost_type,
      l.currency,
      l.usage.unit,
      l.usage.pricing_unit,
      labels,
      credit?.type ?? null,
      credit?.name ?? null,
    ];
    add(keys('usage'), l.cost, l.usage.amount, l.usage.amount_in_pricing_units);
    for (const c of l.credits) add(keys('credit', c), c.amount, null, null);
  }
  return [...groups.values()];
}

const EXPORT_COLUMNS = [
  'billing_account_id',
  'service',
  'sku',
  'usage_start_time',
  'usage_end_time',
  'project',
  'labels',
  'system_labels',
  'location',
  'export_time',
  'cost',
  'currency',
  'currency_conversion_rate',
  'usage',
  'credits',
  'invoice',
  'cost_type',
  'resource',
];

const cells = (values: (string | null)[]) => ({ f: values.map((v) => ({ v })) });

/**
 * A small BigQuery REST endpoint for the billing-export query: jobs.query answers the
 * INFORMATION_SCHEMA lookup and the aggregate (computed from `lines` for the `month` parameter)
 * in pages of `pageSize`, and getQueryResults serves the following pages by pageToken.
 */
export function bigQueryEmulator(lines: ExportLine[], pageSize = 2) {
  const jobs = new Map<string, { rows: (string | null)[][]; fields: string[] }>();
  let jobs_run = 0;
  const page = (jobId: string, start: number) => {
    const { rows, fields } = jobs.get(jobId)!;
    const end = start + pageSize;
    return {
      kind: 'bigquery#queryResponse',
      schema: { fields: fields.map((name) => ({ name, type: 'STRING', mode: 'NULLABLE' })) },
      jobReference: { projectId: 'billing-admin', jobId, location: 'US' },
      totalRows: String(rows.length),
      rows: rows.slice(start, end).map(cells),
      ...(end < rows.length ? { pageToken: String(end) } : {}),
      jobComplete: true,
    };
  };
  return (req: RecordedRequest): Reply => {
    const url = new URL(req.url, 'http://x');
    const get = /\/bigquery\/v2\/projects\/[^/]+\/queries\/([^/?]+)$/.exec(url.pathname);
    if (get) return { body: page(get[1]!, Number(url.searchParams.get('pageToken') ?? 0)) };
    if (!/\/bigquery\/v2\/projects\/[^/]+\/queries$/.test(url.pathname) || req.method !== 'POST') {
      return {
        status: 404,
        body: { error: { code: 404, message: `no route ${req.method} ${url.pathname}` } },
      };
    }
    const body = JSON.parse(req.body) as {
      query: string;
      queryParameters?: { name: string; parameterValue: { value: string } }[];
    };
    const param = (n: string) =>
      body.queryParameters?.find((p) => p.name === n)?.parameterValue.value;
    const jobId = `job_${++jobs_run}`;
    if (body.query.includes('INFORMATION_SCHEMA.COLUMNS')) {
      jobs.set(jobId, { rows: EXPORT_COLUMNS.map((c) => [c]), fields: ['column_name'] });
      return { body: page(jobId, 0) };
    }
    if (!body.query.includes('invoice.month = @month') || !body.query.includes('UNNEST(credits)')) {
      return { status: 400, body: { error: { code: 400, message: 'unexpected query' } } };
    }
    jobs.set(jobId, { rows: aggregate(lines, param('month')!), fields: OUT });
    return { body: page(jobId, 0) };
  };
}

/** The koku flattened-CSV rows (dotted headers, JSON arrays) as export lines. */
export function linesFromKokuCsv(records: Record<string, string>[]): ExportLine[] {
  return records.map((r) => ({
    billing_account_id: r['billing_account_id']!,
    project: { id: r['project.id']!, name: r['project.name']! },
    service: { id: r['service.id']!, description: r['service.description']! },
    sku: { id: r['sku.id']!, description: r['sku.description']! },
    usage_start_time: r['usage_start_time']!,
    location: {
      location: r['location.location'] || null,
      region: r['location.region'] || null,
      zone: r['location.zone'] || null,
    },
    resource: { name: r['resource.name'] || null, global_name: r['resource.global_name'] || null },
    cost_type: r['cost_type']!,
    currency: r['currency']!,
    cost: r['cost']!,
    usage: {
      amount: r['usage.amount']!,
      unit: r['usage.unit']!,
      amount_in_pricing_units: r['usage.amount_in_pricing_units']!,
      pricing_unit: r['usage.pricing_unit']!,
    },
    labels: JSON.parse(r['labels'] || '[]') as ExportLine['labels'],
    credits: JSON.parse(r['credits'] || '[]') as ExportLine['credits'],
    invoice_month: r['invoice.month']!,
  }));
}

/** The koku billing-export fixture (five lines of August 2022) as export lines. */
export function kokuSampleLines(): ExportLine[] {
  const csv = readFileSync(
    fixture('cloud/bigquery-billing-export-detailed-flattened.koku-2022-08-01_5.csv'),
    'utf8',
  );
  return linesFromKokuCsv(
    Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true }).data,
  );
}
