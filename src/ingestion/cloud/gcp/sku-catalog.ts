import { CloudCatalogClient, protos } from '@google-cloud/billing';
import { Decimal } from 'decimal.js';
import { FetchContext } from '../cloud-fetcher.js';
import { skuPages } from './catalog-client.js';

/** A SKU's list price per pricing unit, when it has one flat price. */
export interface SkuListPrice {
  skuId: string;
  /** Price per `usageUnitDescription` (e.g. per hour, per gibibyte), exact decimal text. */
  unitPrice: string;
  usageUnit: string;
  usageUnitDescription: string;
  currency: string;
}

interface Money {
  units?: string | number | { toString(): string } | null;
  nanos?: number | null;
  currencyCode?: string | null;
}

/** `Money` (int64 units as text + nanos) as an exact decimal. */
export function moneyValue(m: Money | null | undefined): Decimal {
  return new Decimal(String(m?.units ?? 0)).plus(new Decimal(m?.nanos ?? 0).dividedBy(1e9));
}

/**
 * List prices from the Cloud Billing catalog (services/{id}/skus), loaded once per service and
 * run. Tiered SKUs (free tiers, volume tiers) have no single price per unit for a day's usage,
 * so they yield none rather than a wrong one.
 */
export class SkuCatalog {
  private readonly services = new Map<string, Promise<Map<string, SkuListPrice>>>();

  constructor(
    private readonly client: CloudCatalogClient,
    private readonly currency: string,
  ) {}

  async price(
    serviceId: string,
    skuId: string,
    ctx: FetchContext,
  ): Promise<SkuListPrice | undefined> {
    let prices = this.services.get(serviceId);
    if (!prices) this.services.set(serviceId, (prices = this.load(serviceId, ctx)));
    return (await prices).get(skuId);
  }

  private async load(serviceId: string, ctx: FetchContext): Promise<Map<string, SkuListPrice>> {
    const prices = new Map<string, SkuListPrice>();
    for await (const skus of skuPages(this.client, `services/${serviceId}`, this.currency, ctx)) {
      for (const sku of skus) {
        const info = sku.pricingInfo?.[0]?.pricingExpression;
        const rates = info?.tieredRates ?? [];
        const distinct = new Set(
          rates.map((r: protos.google.cloud.billing.v1.PricingExpression.ITierRate) =>
            moneyValue(r.unitPrice).toString(),
          ),
        );
        if (!sku.skuId || !info || distinct.size !== 1) continue;
        prices.set(sku.skuId, {
          skuId: sku.skuId,
          unitPrice: moneyValue(rates[0]!.unitPrice)
            .dividedBy(info.displayQuantity || 1)
            .toString(),
          usageUnit: info.usageUnit ?? '',
          usageUnitDescription: info.usageUnitDescription ?? '',
          currency: rates[0]!.unitPrice?.currencyCode ?? this.currency,
        });
      }
    }
    return prices;
  }
}
