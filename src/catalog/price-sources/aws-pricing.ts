import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { awsCredentials, readAwsError } from '../../ingestion/cloud/aws/cost-explorer-fetcher.js';
import { FetchContext, MalformedResponseError } from '../../ingestion/cloud/cloud-fetcher.js';
import { callProvider } from '../../ingestion/cloud/provider-call.js';
import type { PriceSourceConfig } from '../../recommendations/recommend-config.js';
import { InstanceCatalog, RefreshedPrice } from '../instance-catalog.js';

type AwsPriceConfig = Extract<PriceSourceConfig, { kind: 'aws-pricing' }>;

interface PriceListItem {
  product?: { attributes?: Record<string, string> };
  terms?: {
    OnDemand?: Record<
      string,
      { priceDimensions?: Record<string, { unit?: string; pricePerUnit?: { USD?: string } }> }
    >;
  };
}

/**
 * Linux, shared-tenancy, on-demand prices per hour of the catalog's EC2 types in each region,
 * from the AWS Price List Query API (GetProducts, filtered to the region's compute instances and
 * paged by NextToken). AWS publishes no spot prices there: spot discounts stay the catalog's.
 */
export async function awsPricing(
  config: AwsPriceConfig,
  ctx: FetchContext,
  now: Date,
): Promise<RefreshedPrice[]> {
  const client = new PricingClient({
    region: config.apiRegion,
    endpoint: config.endpoint,
    maxAttempts: 1, // retries are ours (one policy with jitter and a request budget)
    credentials: awsCredentials(config.credentials),
  });
  const wanted = new Set(InstanceCatalog.typesOf('AWS').map((t) => t.instanceType));
  const out: RefreshedPrice[] = [];
  try {
    for (const region of config.regions) {
      const term = (Field: string, Value: string) => ({
        Type: 'TERM_MATCH' as const,
        Field,
        Value,
      });
      let token: string | undefined;
      let page = 1;
      do {
        const res = await callProvider(
          ctx,
          `AWS Pricing GetProducts AmazonEC2 ${region} page ${page}`,
          () =>
            client.send(
              new GetProductsCommand({
                ServiceCode: 'AmazonEC2',
                FormatVersion: 'aws_v1',
                MaxResults: 100,
                NextToken: token,
                Filters: [
                  term('regionCode', region),
                  term('productFamily', 'Compute Instance'),
                  term('operatingSystem', 'Linux'),
                  term('tenancy', 'Shared'),
                  term('preInstalledSw', 'NA'),
                  term('capacitystatus', 'Used'),
                ],
              }),
            ),
          readAwsError,
        );
        for (const raw of res.PriceList ?? []) {
          const item = parseItem(raw, region, page);
          const type = item.product?.attributes?.['instanceType'];
          if (!type || !wanted.has(type)) continue;
          const hourly = onDemandHourly(item);
          if (hourly)
            out.push({
              provider: 'AWS',
              region,
              instanceType: type,
              onDemandHourly: hourly,
              spotHourly: null,
              source: 'AWS Price List API',
              fetchedAt: now,
            });
        }
        token = res.NextToken;
        page++;
      } while (token);
    }
  } finally {
    client.destroy();
  }
  return out;
}

/** A PriceList entry: JSON text (the SDK may wrap it in a String object, a LazyJsonString). */
function parseItem(raw: unknown, region: string, page: number): PriceListItem {
  if (raw !== null && typeof raw === 'object' && !(raw instanceof String))
    return raw as PriceListItem;
  try {
    return JSON.parse(String(raw)) as PriceListItem;
  } catch {
    throw new MalformedResponseError(
      `AWS Pricing GetProducts AmazonEC2 ${region} page ${page}: a PriceList entry is not JSON`,
    );
  }
}

/** The one hourly USD price of the item's on-demand term (none when it has no such price). */
function onDemandHourly(item: PriceListItem): string | undefined {
  for (const offer of Object.values(item.terms?.OnDemand ?? {}))
    for (const dim of Object.values(offer.priceDimensions ?? {}))
      if (/^hrs?$/i.test(dim.unit ?? '') && dim.pricePerUnit?.USD)
        return dim.pricePerUnit.USD.replace(/0+$/, '').replace(/\.$/, '');
  return undefined;
}
