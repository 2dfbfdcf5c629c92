import { FetchContext, MalformedResponseError } from '../../ingestion/cloud/cloud-fetcher.js';
import {
  callProvider,
  ErrorReading,
  retryableStatus,
} from '../../ingestion/cloud/provider-call.js';
import { retryAfterSeconds } from '../../sources/retry-policy.js';
import { InstanceCatalog, RefreshedPrice } from '../instance-catalog.js';

interface RetailItem {
  armSkuName?: string;
  armRegionName?: string;
  retailPrice?: number;
  currencyCode?: string;
  unitOfMeasure?: string;
  productName?: string;
  skuName?: string;
  type?: string;
  effectiveStartDate?: string;
}

/** Types per request: each becomes an `armSkuName eq '…'` term of the filter. */
const CHUNK = 12;

/**
 * Linux on-demand and spot prices per hour of the catalog's Azure VM sizes in each region, from
 * the unauthenticated Azure Retail Prices API (paged by NextPageLink). Windows meters and Low
 * Priority meters are left out; of several meters for a size the latest effective one wins.
 */
export async function azureRetailPrices(
  endpoint: string,
  regions: readonly string[],
  ctx: FetchContext,
  now: Date,
): Promise<RefreshedPrice[]> {
  const types = InstanceCatalog.typesOf('Microsoft').map((t) => t.instanceType);
  const out: RefreshedPrice[] = [];
  for (const region of regions) {
    const best = new Map<string, { onDemand?: RetailItem; spot?: RetailItem }>();
    for (let i = 0; i < types.length; i += CHUNK) {
      const skus = types.slice(i, i + CHUNK).map((t) => `armSkuName eq '${t}'`);
      const filter = `serviceName eq 'Virtual Machines' and armRegionName eq '${region}' and priceType eq 'Consumption' and (${skus.join(' or ')})`;
      let url: string | null =
        `${endpoint}?api-version=2023-01-01-preview&$filter=${encodeURIComponent(filter)}`;
      for (let page = 1; url; page++) {
        const current: string = url;
        const body = await callProvider(
          ctx,
          `Azure Retail Prices ${region} page ${page}`,
          () => getJson(current),
          readHttpError,
        );
        for (const item of body.Items ?? []) {
          if (!item.armSkuName || item.unitOfMeasure !== '1 Hour' || item.type !== 'Consumption')
            continue;
          if (/windows/i.test(item.productName ?? '') || /low priority/i.test(item.skuName ?? ''))
            continue;
          const slot = best.get(item.armSkuName) ?? {};
          const which = /\bspot\b/i.test(item.skuName ?? '') ? 'spot' : 'onDemand';
          const held = slot[which];
          if (!held || (item.effectiveStartDate ?? '') > (held.effectiveStartDate ?? ''))
            slot[which] = item;
          best.set(item.armSkuName, slot);
        }
        url = body.NextPageLink ?? null;
      }
    }
    for (const [type, { onDemand, spot }] of best) {
      if (!onDemand || onDemand.currencyCode !== 'USD') continue;
      out.push({
        provider: 'Microsoft',
        region,
        instanceType: type,
        onDemandHourly: String(onDemand.retailPrice),
        spotHourly: spot?.retailPrice !== undefined ? String(spot.retailPrice) : null,
        source: 'Azure Retail Prices API',
        fetchedAt: now,
      });
    }
  }
  return out;
}

/** A non-2xx answer from a plain HTTP price API. */
export class PriceHttpError extends Error {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string | undefined>,
    body: string,
  ) {
    super(`HTTP ${status}: ${body.slice(0, 200)}`);
    this.name = 'PriceHttpError';
  }
}

/** Throttling and server errors are retried (after Retry-After when given); bad JSON is not. */
export function readHttpError(err: unknown): ErrorReading {
  if (err instanceof PriceHttpError)
    return {
      retryable: retryableStatus(err.status),
      retryAfterSeconds: retryAfterSeconds(err.headers),
      message: err.message,
    };
  if (err instanceof MalformedResponseError) return { retryable: false, message: err.message };
  // No answer at all (connection refused or reset): worth another try.
  return { retryable: true, message: `${(err as Error).name}: ${(err as Error).message}` };
}

async function getJson(
  url: string,
): Promise<{ Items?: RetailItem[]; NextPageLink?: string | null }> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  const text = await res.text();
  if (!res.ok)
    throw new PriceHttpError(res.status, Object.fromEntries(res.headers.entries()), text);
  try {
    return JSON.parse(text) as { Items?: RetailItem[]; NextPageLink?: string | null };
  } catch {
    throw new MalformedResponseError(`the response is not JSON: ${text.slice(0, 80)}`);
  }
}
