import {
  CostExplorerClient,
  Expression,
  GetCostAndUsageCommand,
  GetCostAndUsageResponse,
  MetricValue,
} from '@aws-sdk/client-cost-explorer';
import { AwsSourceConfig } from '../../../config/app-config.js';
import { resolveSecretRef } from '../../../config/secret-ref.js';
import { retryAfterSeconds } from '../../../sources/retry-policy.js';
import { CHARGE_COLUMNS, CloudFetcher, FetchContext, FocusCells } from '../cloud-fetcher.js';
import { billingPeriodCells, queryWindow } from '../period-window.js';
import { describeFilters, DimValue, drill, DrillGroup, DrillQuery } from '../group-drill.js';
import { callProvider, ErrorReading, retryableStatus } from '../provider-call.js';
import { chargeCategoryOf } from './record-types.js';

const METRICS = ['UnblendedCost', 'AmortizedCost', 'NetAmortizedCost', 'UsageQuantity'] as const;
const TAG = 'TAG:';

interface DayMetrics {
  start: string;
  end: string;
  estimated: boolean;
  metrics: Record<string, MetricValue>;
}

export const AWS_COLUMNS = [
  ...CHARGE_COLUMNS,
  'ChargeDescription',
  'ConsumedQuantity',
  'ConsumedUnit',
  'RegionId',
  'AvailabilityZone',
  'x_UsageType',
  'x_RecordType',
  'x_AmortizedCost',
  'x_Estimated',
  'x_Dimensions',
] as const;

/**
 * AWS Cost Explorer GetCostAndUsage, DAILY. It groups by at most two dimensions per request, so
 * the configured dimensions (and tag keys) are drilled two at a time; leaf rows carry all of them.
 * Each page is a billed request ($0.01), counted against maxRequests.
 */
export class CostExplorerFetcher implements CloudFetcher {
  readonly columns = AWS_COLUMNS;
  private readonly client: CostExplorerClient;
  private readonly dims: string[];

  constructor(private readonly config: AwsSourceConfig) {
    this.client = new CostExplorerClient({
      region: config.region,
      endpoint: config.endpoint,
      maxAttempts: 1, // retries are ours: one policy for every provider, with jitter and budget
      credentials: awsCredentials(config.credentials),
    });
    this.dims = [...config.groupBy, ...config.tagKeys.map((k) => `${TAG}${k}`)];
  }

  async *fetch(period: string, ctx: FetchContext): AsyncIterable<FocusCells> {
    const window = queryWindow(period, ctx.now);
    const accountNames = new Map<string, string>();
    const query = (q: DrillQuery) => this.pages(q, window, ctx, accountNames);
    const periodCells = billingPeriodCells(period);
    try {
      for await (const leaf of drill(this.dims, query, ctx.budget)) {
        yield this.toFocus(leaf.values, leaf.row, periodCells, accountNames);
      }
    } finally {
      this.client.destroy();
    }
  }

  private async *pages(
    q: DrillQuery,
    window: { start: string; end: string },
    ctx: FetchContext,
    accountNames: Map<string, string>,
  ): AsyncIterable<DrillGroup<DayMetrics>> {
    let token: string | undefined;
    let page = 0;
    do {
      page++;
      const input = {
        TimePeriod: { Start: window.start, End: window.end },
        Granularity: 'DAILY' as const,
        Metrics: [...METRICS],
        GroupBy: q.groupBy.map((d) =>
          d.startsWith(TAG)
            ? { Type: 'TAG' as const, Key: d.slice(TAG.length) }
            : { Type: 'DIMENSION' as const, Key: d },
        ),
        Filter: toFilter(q.filters),
        NextPageToken: token,
        ...(this.config.billingViewArn ? { BillingViewArn: this.config.billingViewArn } : {}),
      };
      const res: GetCostAndUsageResponse = await callProvider(
        ctx,
        `GetCostAndUsage ${window.start}..${window.end} by ${q.groupBy.join(',')}${describeFilters(q.filters)} page ${page}`,
        () => this.client.send(new GetCostAndUsageCommand(input)),
        readAwsError,
      );
      for (const attr of res.DimensionValueAttributes ?? []) {
        const name = attr.Attributes?.['description'];
        if (attr.Value && name) accountNames.set(attr.Value, name);
      }
      for (const r of res.ResultsByTime ?? []) {
        for (const g of r.Groups ?? []) {
          yield {
            keys: (g.Keys ?? []).map((k, i) => groupValue(q.groupBy[i]!, k)),
            row: {
              start: r.TimePeriod?.Start ?? '',
              end: r.TimePeriod?.End ?? '',
              estimated: r.Estimated === true,
              metrics: g.Metrics ?? {},
            },
          };
        }
      }
      token = res.NextPageToken || undefined;
    } while (token);
  }

  private toFocus(
    values: Readonly<Record<string, string>>,
    day: DayMetrics,
    periodCells: FocusCells,
    accountNames: Map<string, string>,
  ): FocusCells {
    const m = day.metrics;
    const quantity = m['UsageQuantity'];
    const tags: Record<string, string> = {};
    for (const key of this.config.tagKeys) {
      const v = values[`${TAG}${key}`];
      if (v) tags[key] = v;
    }
    const account = values['LINKED_ACCOUNT'];
    const service = values['SERVICE'];
    const recordType = values['RECORD_TYPE'];
    const region = values['REGION'];
    const extra = Object.entries(values).filter(
      ([d]) => !KNOWN_DIMENSIONS.has(d) && !d.startsWith(TAG),
    );
    return {
      ...periodCells,
      BillingAccountId: this.config.billingAccountId ?? null,
      BillingCurrency: m['UnblendedCost']?.Unit ?? null,
      ChargePeriodStart: day.start,
      ChargePeriodEnd: day.end,
      ChargeCategory: chargeCategoryOf(recordType, service),
      ChargeDescription: values['USAGE_TYPE'] || null,
      BilledCost: m['UnblendedCost']?.Amount ?? null,
      // Amortized when Cost Explorer returned it (it always does when asked); billed otherwise.
      EffectiveCost:
        m['NetAmortizedCost']?.Amount ??
        m['AmortizedCost']?.Amount ??
        m['UnblendedCost']?.Amount ??
        null,
      // Quantities across unlike units come back with unit "N/A": meaningless, so left unknown.
      ConsumedQuantity: quantity && quantity.Unit !== 'N/A' ? (quantity.Amount ?? null) : null,
      ConsumedUnit: quantity && quantity.Unit !== 'N/A' ? (quantity.Unit ?? null) : null,
      ProviderName: 'AWS',
      InvoiceIssuerName: 'AWS',
      ServiceName: service || null,
      RegionId: region && region !== 'NoRegion' ? region : null,
      AvailabilityZone: values['AZ'] && values['AZ'] !== 'NoAZ' ? values['AZ'] : null,
      SubAccountId: account || null,
      SubAccountName: account ? (accountNames.get(account) ?? null) : null,
      Tags: Object.keys(tags).length > 0 ? JSON.stringify(tags) : null,
      x_UsageType: values['USAGE_TYPE'] || null,
      x_RecordType: recordType || null,
      x_AmortizedCost: m['AmortizedCost']?.Amount ?? null,
      x_Estimated: day.estimated ? 'true' : null,
      x_Dimensions: extra.length > 0 ? JSON.stringify(Object.fromEntries(extra)) : null,
    };
  }
}

const KNOWN_DIMENSIONS = new Set([
  'LINKED_ACCOUNT',
  'SERVICE',
  'RECORD_TYPE',
  'REGION',
  'USAGE_TYPE',
  'AZ',
]);

/** A TAG group key reads `key$value` (`key$` when untagged); a dimension key is the value itself. */
function groupValue(dim: string, key: string): string {
  return dim.startsWith(TAG) ? key.slice(key.indexOf('$') + 1) : key;
}

function toFilter(filters: readonly DimValue[]): Expression | undefined {
  const parts: Expression[] = filters.map(({ dim, value }) => {
    if (!dim.startsWith(TAG)) {
      return { Dimensions: { Key: dim as never, Values: [value], MatchOptions: ['EQUALS'] } };
    }
    const Key = dim.slice(TAG.length);
    return value === ''
      ? { Tags: { Key, MatchOptions: ['ABSENT'] } }
      : { Tags: { Key, Values: [value], MatchOptions: ['EQUALS'] } };
  });
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : { And: parts };
}

interface AwsError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $retryable?: { throttling?: boolean };
  $response?: { headers?: Record<string, string | undefined> };
}

const THROTTLING = new Set([
  'LimitExceededException',
  'ThrottlingException',
  'TooManyRequestsException',
]);

/**
 * Credentials from `${env:…}`/`${file:…}` references, resolved at each use (never kept); without
 * them the SDK's default chain (environment, profile, instance role).
 */
export function awsCredentials(
  c: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined,
) {
  return c
    ? async () => ({
        accessKeyId: resolveSecretRef(c.accessKeyId),
        secretAccessKey: resolveSecretRef(c.secretAccessKey),
        sessionToken: c.sessionToken ? resolveSecretRef(c.sessionToken) : undefined,
      })
    : undefined;
}

export function readAwsError(err: unknown): ErrorReading {
  const e = err as AwsError;
  const status = e.$metadata?.httpStatusCode;
  const noResponse = status === undefined;
  const retryable =
    THROTTLING.has(e.name ?? '') ||
    e.$retryable !== undefined ||
    retryableStatus(status) ||
    noResponse;
  const requestId = e.$metadata?.requestId ? `, request id ${e.$metadata.requestId}` : '';
  return {
    retryable,
    retryAfterSeconds: retryAfterSeconds(e.$response?.headers ?? {}),
    message: `${e.name ?? 'Error'}: ${e.message ?? String(err)}${status ? ` (HTTP ${status}${requestId})` : ''}`,
  };
}
