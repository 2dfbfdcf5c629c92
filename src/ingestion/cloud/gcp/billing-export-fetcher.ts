import { BigQuery, Job, Query } from '@google-cloud/bigquery';
import { CloudCatalogClient } from '@google-cloud/billing';
import { Decimal } from 'decimal.js';
import { GcpSourceConfig } from '../../../config/app-config.js';
import { resolveSecretRef } from '../../../config/secret-ref.js';
import {
  CHARGE_COLUMNS,
  CloudFetcher,
  FetchContext,
  FocusCells,
  MalformedResponseError,
} from '../cloud-fetcher.js';
import { CloudTransport } from '../cloud-transport.js';
import { billingPeriodCells, dayCells } from '../period-window.js';
import { callProvider } from '../provider-call.js';
import { gcpServiceCategories } from '../reference-data.js';
import { billingExportQuery, columnsQuery, ExportRow, ExportShape } from './billing-export-sql.js';
import { readGoogleError } from './gcp-errors.js';
import { catalogClient } from './catalog-client.js';
import { SkuCatalog } from './sku-catalog.js';

const PAGE_ROWS = 20_000;

/** Rows of one page and what to ask for the next (null when done). */
type QueryPage = [Record<string, unknown>[], (Record<string, unknown> & { job?: Job }) | null];

export const GCP_COLUMNS = [
  ...CHARGE_COLUMNS,
  'ChargeDescription',
  'ListCost',
  'ListUnitPrice',
  'ConsumedQuantity',
  'ConsumedUnit',
  'PricingQuantity',
  'PricingUnit',
  'ServiceCategory',
  'SkuId',
  'RegionId',
  'AvailabilityZone',
  'ResourceId',
  'ResourceName',
  'x_ServiceId',
  'x_CostType',
  'x_CreditType',
  'x_Location',
  'x_ListCostSource',
] as const;

const COST_TYPES: Record<string, string> = {
  regular: 'Usage',
  tax: 'Tax',
  adjustment: 'Adjustment',
  'rounding error': 'Adjustment',
};

/**
 * GCP Cloud Billing export in BigQuery (detailed or standard table): one SQL query per invoice
 * month aggregates inside BigQuery (no raw line items leave it), read page by page. List prices
 * come from the export's cost_at_list, or else from the Cloud Billing catalog for flat-priced SKUs.
 */
export class BillingExportFetcher implements CloudFetcher {
  readonly columns = GCP_COLUMNS;
  private readonly bq: BigQuery;
  private readonly catalogs = new Map<string, SkuCatalog>();
  private catalogClient: CloudCatalogClient | undefined;

  constructor(
    private readonly config: GcpSourceConfig,
    private readonly transport: CloudTransport,
  ) {
    const project = config.projectId ?? config.table.split('.')[0]!;
    this.bq = new BigQuery({
      projectId: project,
      location: config.location,
      apiEndpoint: config.endpoint?.replace(/\/$/, ''),
      credentials: config.serviceAccountKey
        ? (JSON.parse(resolveSecretRef(config.serviceAccountKey)) as object)
        : undefined,
      retryOptions: { autoRetry: false }, // retries are ours, counted against the budget
    });
  }

  async *fetch(period: string, ctx: FetchContext): AsyncIterable<FocusCells> {
    const shape = await this.shape(ctx);
    const [y, m] = period.split('-').map(Number) as [number, number];
    const scanFrom = new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 10);
    const periodCells = billingPeriodCells(period);
    const query: Query = {
      query: billingExportQuery(this.config.table, shape),
      params: {
        month: period.replace('-', ''),
        scan_from: scanFrom,
      },
      location: this.config.location,
      maxResults: PAGE_ROWS,
    };
    for await (const row of this.rows(
      query,
      `BigQuery billing export ${this.config.table} invoice ${period}`,
      ctx,
    )) {
      yield await this.toFocus(row as unknown as ExportRow, periodCells, ctx);
    }
  }

  /** Which export this is, read from INFORMATION_SCHEMA (standard vs detailed, cost_at_list). */
  private async shape(ctx: FetchContext): Promise<ExportShape> {
    const names = new Set<string>();
    for await (const row of this.rows(
      { ...columnsQuery(this.config.table), location: this.config.location },
      `BigQuery INFORMATION_SCHEMA.COLUMNS of ${this.config.table}`,
      ctx,
    )) {
      names.add(String(row['column_name']));
    }
    if (names.size === 0)
      throw new Error(`table ${this.config.table} not found (no columns visible)`);
    for (const required of ['cost', 'invoice', 'usage_start_time', 'service', 'sku', 'credits']) {
      if (!names.has(required)) {
        throw new MalformedResponseError(
          `${this.config.table} is not a Cloud Billing export: column ${required} is missing`,
        );
      }
    }
    return {
      detailed: names.has('resource'),
      costAtList: names.has('cost_at_list'),
    };
  }

  /** Runs a query and yields its rows page by page; every page is one retried request. */
  private async *rows(
    query: Query,
    what: string,
    ctx: FetchContext,
  ): AsyncIterable<Record<string, unknown>> {
    let [rows, next] = (await callProvider(
      ctx,
      `${what} page 1`,
      () => this.bq.query(query, { autoPaginate: false }),
      readGoogleError,
    )) as unknown as QueryPage;
    for (let page = 2; ; page++) {
      yield* rows;
      if (!next?.job) return;
      const request = next;
      [rows, next] = (await callProvider(
        ctx,
        `${what} page ${page}`,
        () => request.job!.getQueryResults({ ...request, autoPaginate: false }),
        readGoogleError,
      )) as unknown as QueryPage;
    }
  }

  private async toFocus(
    row: ExportRow,
    periodCells: FocusCells,
    ctx: FetchContext,
  ): Promise<FocusCells> {
    const credit = row.row_kind === 'credit';
    const list = credit ? undefined : await this.listCost(row, ctx);
    return {
      ...periodCells,
      BillingAccountId: row.billing_account_id,
      BillingCurrency: row.currency,
      ...dayCells(row.day),
      ChargeCategory: credit ? 'Credit' : (COST_TYPES[row.cost_type ?? 'regular'] ?? 'Usage'),
      ChargeDescription: credit ? row.credit_name : row.sku_name,
      BilledCost: row.cost,
      EffectiveCost: row.cost,
      ListCost: list?.cost ?? null,
      ListUnitPrice: list?.unitPrice ?? null,
      ConsumedQuantity: row.usage_amount,
      ConsumedUnit: row.usage_unit,
      PricingQuantity: row.pricing_quantity,
      PricingUnit: row.pricing_unit,
      ProviderName: 'Google Cloud',
      InvoiceIssuerName: 'Google',
      ServiceName: row.service_name,
      ServiceCategory: row.service_name
        ? (gcpServiceCategories().get(row.service_name) ?? null)
        : null,
      SkuId: row.sku_id,
      RegionId: row.region,
      AvailabilityZone: row.zone,
      ResourceId: row.resource_id,
      ResourceName: row.resource_name,
      SubAccountId: row.project_id,
      SubAccountName: row.project_name,
      Tags: labelsToTags(row.label_json),
      x_ServiceId: row.service_id,
      x_CostType: row.cost_type,
      x_CreditType: row.credit_type,
      x_Location: row.location,
      x_ListCostSource: list?.source ?? null,
    };
  }

  private async listCost(
    row: ExportRow,
    ctx: FetchContext,
  ): Promise<{ cost: string; unitPrice: string | null; source: string } | undefined> {
    if (row.list_cost !== null) return { cost: row.list_cost, unitPrice: null, source: 'export' };
    if (!this.config.catalog || !row.service_id || !row.sku_id || row.pricing_quantity === null) {
      return undefined;
    }
    const price = await this.catalog(row.currency ?? 'USD').price(row.service_id, row.sku_id, ctx);
    // The catalog prices per usage unit; only a matching pricing unit gives a true list cost.
    if (!price || price.usageUnitDescription !== row.pricing_unit) return undefined;
    return {
      cost: new Decimal(row.pricing_quantity).times(price.unitPrice).toString(),
      unitPrice: price.unitPrice,
      source: 'catalog',
    };
  }

  private catalog(currency: string): SkuCatalog {
    let catalog = this.catalogs.get(currency);
    if (!catalog) {
      this.catalogClient ??= catalogClient(
        this.config.catalogEndpoint,
        this.config.serviceAccountKey,
        this.transport,
      );
      this.catalogs.set(currency, (catalog = new SkuCatalog(this.catalogClient, currency)));
    }
    return catalog;
  }
}

/** `[{"key":"team","value":"ml"}]` → `{"team":"ml"}`; empty label sets are no tags. */
export function labelsToTags(json: string | null): string | null {
  if (!json) return null;
  const labels = JSON.parse(json) as { key: string; value: string }[];
  if (labels.length === 0) return null;
  return JSON.stringify(Object.fromEntries(labels.map((l) => [l.key, l.value])));
}
