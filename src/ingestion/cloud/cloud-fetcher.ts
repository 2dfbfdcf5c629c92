import type { Logger } from 'pino';
import { RetryPolicy } from '../../sources/retry-policy.js';

/** Columns every cloud importer fills; each adds its own after these. */
export const CHARGE_COLUMNS = [
  'BillingAccountId',
  'BillingCurrency',
  'BillingPeriodStart',
  'BillingPeriodEnd',
  'ChargePeriodStart',
  'ChargePeriodEnd',
  'ChargeCategory',
  'BilledCost',
  'EffectiveCost',
  'ProviderName',
  'InvoiceIssuerName',
  'ServiceName',
  'SubAccountId',
  'SubAccountName',
  'Tags',
] as const;

/** One output row: FOCUS (and `x_`) column names to text values; missing or null means unknown. */
export type FocusCells = Record<string, string | null | undefined>;

/** What a fetcher may use while it runs: request accounting, retries and the log. */
export interface FetchContext {
  readonly retry: RetryPolicy;
  readonly log: Logger;
  readonly now: Date;
  /** Wait used between retries (tests shorten it). */
  readonly sleep: (ms: number) => Promise<void>;
  /** The run's request budget (the source's maxRequests) and what is left of it. */
  readonly budget: { readonly limit: number; remaining(): number };
  /** Counts one provider request about to be made; throws when the run's budget is spent. */
  countRequest(): void;
  /** Requests that had to be retried (throttling, server errors). */
  countRetry(): void;
}

/**
 * Reads one billing period from a provider and yields FOCUS rows. It holds no database state:
 * the import service stages, validates and swaps what it yields, so a fetch that throws part-way
 * changes nothing stored.
 */
export interface CloudFetcher {
  /** The columns its rows may fill, FOCUS names first; the header every row is checked against. */
  readonly columns: readonly string[];
  fetch(period: string, ctx: FetchContext): AsyncIterable<FocusCells>;
}

/** A provider request failed for good; names the request and carries the provider's message. */
export class ProviderRequestError extends Error {
  constructor(
    readonly request: string,
    readonly providerMessage: string,
    readonly attempts: number,
  ) {
    super(
      `${request}: ${providerMessage}${attempts > 1 ? ` (gave up after ${attempts} attempts)` : ''}`,
    );
    this.name = 'ProviderRequestError';
  }
}

/** The run would spend more paid requests than the source allows. */
export class RequestBudgetError extends Error {
  constructor(
    readonly limit: number,
    detail: string,
  ) {
    super(
      `stopped before exceeding maxRequests (${limit}): ${detail}; raise maxRequests for this source or keep fewer dimensions in groupBy`,
    );
    this.name = 'RequestBudgetError';
  }
}

/** The provider answered with something that is not the documented format. */
export class MalformedResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedResponseError';
  }
}
