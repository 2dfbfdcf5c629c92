import { D } from '../gpu/gpu-cost-split.js';
import { GpuModel, gpuModel } from './gpu-catalog.js';
import { lazy, referenceTable } from './reference-table.js';

/** Where the bundled prices come from and how old they are. */
export const BUNDLED_PRICES = {
  asOf: '2024-09-01',
  source:
    'reference-data/instance-catalog.csv: public on-demand Linux list prices (AWS us-east-1, Azure eastus, Google Cloud us-central1); spot discounts and interruption classes are indicative',
} as const;

export type CatalogProvider = 'AWS' | 'Microsoft' | 'Google Cloud';
export const CATALOG_PROVIDERS: readonly CatalogProvider[] = ['AWS', 'Microsoft', 'Google Cloud'];

export interface InstanceType {
  provider: CatalogProvider;
  instanceType: string;
  family: string;
  vcpu: number;
  memoryGib: number;
  gpuCount: number;
  gpuModel: GpuModel | undefined;
  /** The region the price is for. */
  region: string;
  /** List price per hour, a decimal string. */
  onDemandHourly: string;
  /** Spot discount off on-demand (0–1): measured when a price source gave a spot price. */
  spotDiscount: number;
  /** Spot interruption frequency class: 0 <5 %, 1 5–10 %, 2 10–15 %, 3 15–20 %, 4 >20 % a month. */
  interruptionBucket: number;
  /** Where the price comes from: the bundled catalog or a price source and when it was read. */
  priceSource: string;
}

/** A price read from a provider's price API. */
export interface RefreshedPrice {
  provider: CatalogProvider;
  region: string;
  instanceType: string;
  onDemandHourly: string;
  spotHourly: string | null;
  source: string;
  fetchedAt: Date;
}

/** The catalog's provider for a FOCUS ProviderName (`AWS`, `Amazon Web Services`, `Microsoft`, `Google Cloud`…). */
export function catalogProvider(name: string | null): CatalogProvider | undefined {
  if (!name) return undefined;
  if (/aws|amazon/i.test(name)) return 'AWS';
  if (/microsoft|azure/i.test(name)) return 'Microsoft';
  if (/google|gcp/i.test(name)) return 'Google Cloud';
  return undefined;
}

const bundledEntries = lazy(() =>
  referenceTable('instance-catalog.csv').map(
    ([provider, type, family, vcpu, mem, gpus, model, region, price, spot, bucket]) => {
      const gpu = model ? gpuModel(model) : undefined;
      if (model && !gpu) throw new Error(`instance-catalog.csv: unknown GPU model "${model}"`);
      return {
        provider: provider as CatalogProvider,
        instanceType: type!,
        family: family!,
        vcpu: Number(vcpu),
        memoryGib: Number(mem),
        gpuCount: Number(gpus),
        gpuModel: gpu,
        region: region!,
        onDemandHourly: price!,
        spotDiscount: Number(spot),
        interruptionBucket: Number(bucket),
        priceSource: `bundled catalog ${BUNDLED_PRICES.asOf}`,
      } satisfies InstanceType;
    },
  ),
);

/**
 * Instance types with their shapes and prices: the bundled catalog, with prices read from the
 * providers' price APIs laid over it. A lookup for a region uses that region's refreshed price
 * when there is one, else the bundled price (the recommenders compare types by price ratio, so a
 * bundled region's ratios stand in for another region's).
 */
export class InstanceCatalog {
  private readonly byType = new Map<string, InstanceType>();
  private readonly refreshed = new Map<string, RefreshedPrice>();

  constructor(entries: readonly InstanceType[], prices: readonly RefreshedPrice[] = []) {
    for (const e of entries) this.byType.set(`${e.provider}|${e.instanceType.toLowerCase()}`, e);
    for (const p of prices)
      this.refreshed.set(`${p.provider}|${p.region}|${p.instanceType.toLowerCase()}`, p);
  }

  static bundled(): InstanceCatalog {
    return BUNDLED();
  }

  /** The bundled shapes with these prices laid over them. */
  static withPrices(prices: readonly RefreshedPrice[]): InstanceCatalog {
    return prices.length ? new InstanceCatalog(bundledEntries(), prices) : BUNDLED();
  }

  /** Every instance type of a provider in the bundled catalog (what price sources look up). */
  static typesOf(provider: CatalogProvider): InstanceType[] {
    return bundledEntries().filter((e) => e.provider === provider);
  }

  instanceType(
    provider: CatalogProvider,
    type: string | null,
    region?: string | null,
  ): InstanceType | undefined {
    const e = type ? this.byType.get(`${provider}|${type.toLowerCase()}`) : undefined;
    return e && this.priced(e, region);
  }

  instanceTypesIn(
    provider: CatalogProvider,
    families: readonly string[],
    region?: string | null,
  ): InstanceType[] {
    return [...this.byType.values()]
      .filter((e) => e.provider === provider && families.includes(e.family))
      .map((e) => this.priced(e, region));
  }

  gpuInstanceTypesOf(provider: CatalogProvider, region?: string | null): InstanceType[] {
    return [...this.byType.values()]
      .filter((e) => e.provider === provider && e.gpuCount > 0)
      .map((e) => this.priced(e, region));
  }

  private priced(e: InstanceType, region: string | null | undefined): InstanceType {
    const p =
      (region && this.refreshed.get(`${e.provider}|${region}|${e.instanceType.toLowerCase()}`)) ||
      this.refreshed.get(`${e.provider}|${e.region}|${e.instanceType.toLowerCase()}`);
    if (!p) return e;
    const hourly = new D(p.onDemandHourly);
    return {
      ...e,
      region: p.region,
      onDemandHourly: p.onDemandHourly,
      spotDiscount:
        p.spotHourly !== null && hourly.gt(0)
          ? D.sub(1, new D(p.spotHourly).div(hourly)).toDecimalPlaces(4).toNumber()
          : e.spotDiscount,
      priceSource: `${p.source}, ${p.fetchedAt.toISOString().slice(0, 10)}`,
    };
  }
}

const BUNDLED = lazy(() => new InstanceCatalog(bundledEntries()));
