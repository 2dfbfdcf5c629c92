import { CostManagementClient, QueryDefinition } from '@azure/arm-costmanagement';
import type { TokenCredential } from '@azure/core-auth';
import {
  createHttpHeaders,
  createPipelineRequest,
  PipelineResponse,
  RestError,
} from '@azure/core-rest-pipeline';
import { ClientSecretCredential, DefaultAzureCredential } from '@azure/identity';
import { isLosslessNumber, parse } from 'lossless-json';
import { AzureSourceConfig } from '../../../config/app-config.js';
import { resolveSecretRef } from '../../../config/secret-ref.js';
import {
  CloudFetcher,
  FetchContext,
  FocusCells,
  MalformedResponseError,
} from '../cloud-fetcher.js';
import { CloudTransport } from '../cloud-transport.js';
import { describeFilters, DimValue, drill, DrillGroup, DrillQuery } from '../group-drill.js';
import { billingPeriodCells, queryWindow } from '../period-window.js';
import { callProvider } from '../provider-call.js';
import { readAzureError } from './azure-errors.js';
import { azureFocusCells, AZURE_COLUMNS, DayCost } from './azure-mapping.js';

const TAG = 'tag:';
const COST_COLUMNS = ['cost', 'pretaxcost', 'costusd', 'pretaxcostusd', 'totalcost'];

type CostType = 'ActualCost' | 'AmortizedCost';

interface QueryPage {
  columns: { name: string }[];
  rows: unknown[][];
  nextLink: string | null;
}

/**
 * Azure Cost Management Query API at the configured scope, daily. ActualCost (billed) and
 * AmortizedCost (effective) are separate queries, drilled two grouping dimensions at a time, then
 * joined per day and dimension values. nextLink pages are followed through the client's pipeline.
 */
export class CostManagementFetcher implements CloudFetcher {
  readonly columns = AZURE_COLUMNS;
  private readonly client: CostManagementClient;
  private readonly dims: string[];

  constructor(
    private readonly config: AzureSourceConfig,
    transport: CloudTransport,
  ) {
    const endpoint = config.endpoint?.replace(/\/$/, '');
    this.client = new CostManagementClient(transport.azureCredential ?? credentialFor(config), {
      $host: endpoint,
      endpoint,
      credentialScopes: endpoint ? [`${endpoint}/.default`] : undefined,
      apiVersion: config.apiVersion,
      httpClient: transport.azureHttpClient,
      // Retries are ours: the SDK ignores the cost-management QPU retry-after headers.
      retryOptions: { maxRetries: 0 },
    });
    this.dims = [...config.groupBy, ...config.tagKeys.map((k) => `${TAG}${k}`)];
  }

  async *fetch(period: string, ctx: FetchContext): AsyncIterable<FocusCells> {
    const window = queryWindow(period, ctx.now);
    const joined = new Map<
      string,
      { values: Record<string, string>; costs: Partial<Record<CostType, DayCost>> }
    >();
    for (const type of ['ActualCost', 'AmortizedCost'] as const) {
      const query = (q: DrillQuery) => this.groups(type, q, window, ctx);
      for await (const leaf of drill(this.dims, query, ctx.budget)) {
        const key = JSON.stringify([leaf.row.date, ...this.dims.map((d) => leaf.values[d])]);
        let entry = joined.get(key);
        if (!entry) joined.set(key, (entry = { values: { ...leaf.values }, costs: {} }));
        entry.costs[type] = leaf.row;
      }
    }
    const periodCells = billingPeriodCells(period);
    for (const { values, costs } of joined.values()) {
      yield azureFocusCells(
        this.config,
        values,
        costs.ActualCost,
        costs.AmortizedCost,
        periodCells,
      );
    }
  }

  private async *groups(
    type: CostType,
    q: DrillQuery,
    window: { start: string; end: string },
    ctx: FetchContext,
  ): AsyncIterable<DrillGroup<DayCost>> {
    const definition = {
      type,
      timeframe: 'Custom',
      timePeriod: {
        from: `${window.start}T00:00:00Z`,
        to: new Date(Date.parse(`${window.end}T00:00:00Z`) - 1000)
          .toISOString()
          .replace('.000', ''),
      },
      dataset: {
        granularity: 'Daily',
        aggregation: { totalCost: { name: 'Cost', function: 'Sum' } },
        grouping: q.groupBy.map((d) =>
          d.startsWith(TAG)
            ? { type: 'TagKey', name: d.slice(TAG.length) }
            : { type: 'Dimension', name: d },
        ),
        filter: toFilter(q.filters),
      },
    };
    const what = `Query ${type} ${this.config.scope} ${window.start}..${window.end} by ${q.groupBy.join(',')}${describeFilters(q.filters)}`;
    let page = await callProvider(
      ctx,
      `${what} page 1`,
      () => this.firstPage(definition),
      readAzureError,
    );
    const seen = new Set<string>();
    for (let n = 2; ; n++) {
      yield* this.decode(page, q.groupBy, what);
      const next = page.nextLink;
      if (!next) return;
      if (seen.has(next)) throw new MalformedResponseError(`${what}: nextLink repeats ${next}`);
      seen.add(next);
      page = await callProvider(
        ctx,
        `${what} page ${n}`,
        () => this.nextPage(next, definition),
        readAzureError,
      );
    }
  }

  /** The SDK's own operation; its raw body is re-read so costs keep every digit the service sent. */
  private async firstPage(definition: object): Promise<QueryPage> {
    let text = '';
    const sdkDefinition = {
      ...(definition as QueryDefinition),
      timePeriod: {
        from: new Date((definition as { timePeriod: { from: string } }).timePeriod.from),
        to: new Date((definition as { timePeriod: { to: string } }).timePeriod.to),
      },
    };
    await this.client.query.usage(this.config.scope, sdkDefinition, {
      onResponse: (raw) => {
        text = raw.bodyAsText ?? '';
      },
    });
    return readPage(text);
  }

  private async nextPage(url: string, definition: object): Promise<QueryPage> {
    const res: PipelineResponse = await this.client.sendRequest(
      createPipelineRequest({
        url,
        method: 'POST',
        headers: createHttpHeaders({ 'content-type': 'application/json' }),
        body: JSON.stringify(definition),
      }),
    );
    if (res.status >= 400) {
      throw new RestError(errorMessage(res.bodyAsText), { statusCode: res.status, response: res });
    }
    return readPage(res.bodyAsText ?? '');
  }

  private *decode(
    page: QueryPage,
    groupBy: readonly string[],
    what: string,
  ): Iterable<DrillGroup<DayCost>> {
    const names = page.columns.map((c) => c.name.toLowerCase());
    const costAt = names.findIndex((n) => COST_COLUMNS.includes(n));
    const dateAt = names.indexOf('usagedate');
    const currencyAt = names.indexOf('currency');
    if (costAt < 0 || dateAt < 0) {
      throw new Error(
        `${what}: response has no cost or UsageDate column (columns: ${names.join(', ')})`,
      );
    }
    const keyAt = groupBy.map((d) => groupColumn(names, d));
    for (const row of page.rows) {
      const date = text(row[dateAt]);
      yield {
        keys: keyAt.map((i) => (i < 0 ? '' : text(row[i]))),
        row: {
          date: /^\d{8}$/.test(date)
            ? `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`
            : date,
          cost: text(row[costAt]),
          currency: currencyAt < 0 ? '' : text(row[currencyAt]),
        },
      };
    }
  }
}

function credentialFor(config: AzureSourceConfig): TokenCredential {
  const c = config.credentials;
  if (!c) return new DefaultAzureCredential();
  return new ClientSecretCredential(c.tenantId, c.clientId, resolveSecretRef(c.clientSecret), {
    authorityHost: c.authorityHost,
  });
}

/** Column of a grouping: the dimension's own name, `ResourceGroup` for `ResourceGroupName`, or TagValue. */
function groupColumn(names: readonly string[], dim: string): number {
  if (dim.startsWith(TAG)) {
    const byKey = names.indexOf(dim.slice(TAG.length).toLowerCase());
    return byKey >= 0 ? byKey : names.indexOf('tagvalue');
  }
  const d = dim.toLowerCase();
  const exact = names.indexOf(d);
  return exact >= 0 ? exact : names.indexOf(d.replace(/name$/, ''));
}

function text(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  if (isLosslessNumber(cell)) return cell.value;
  return String(cell);
}

/** Parses a Query response keeping numbers as their exact decimal text. */
export function readPage(body: string): QueryPage {
  if (body.trim() === '') return { columns: [], rows: [], nextLink: null }; // 204 No Content
  let json: { properties?: Partial<QueryPage> };
  try {
    json = parse(body) as typeof json;
  } catch (err) {
    throw new MalformedResponseError(`malformed JSON in response: ${(err as Error).message}`);
  }
  const p = json.properties ?? {};
  if (!Array.isArray(p.rows ?? []) || !Array.isArray(p.columns ?? [])) {
    throw new MalformedResponseError('response has no properties.columns/rows arrays');
  }
  return { columns: p.columns ?? [], rows: p.rows ?? [], nextLink: p.nextLink ?? null };
}

function errorMessage(body: string | null | undefined): string {
  try {
    const e = (JSON.parse(body ?? '') as { error?: { code?: string; message?: string } }).error;
    if (e) return `${e.code ?? 'Error'}: ${e.message ?? ''}`;
  } catch {
    // not JSON: fall through to the raw text
  }
  return (body ?? '').slice(0, 300) || 'request failed';
}

function toFilter(filters: readonly DimValue[]): object | undefined {
  const parts = filters.map(({ dim, value }) =>
    dim.startsWith(TAG)
      ? { tags: { name: dim.slice(TAG.length), operator: 'In', values: [value] } }
      : { dimensions: { name: dim, operator: 'In', values: [value] } },
  );
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : { and: parts };
}
