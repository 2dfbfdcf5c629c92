import { GpuModel, gpuModel } from './gpu-catalog.js';
import { lazy, referenceTable } from './reference-table.js';

/** Where the bundled prices come from and how old they are; shown with every priced proposal. */
export const CATALOG_SOURCE = {
  asOf: '2024-09-01',
  source:
    'reference-data/instance-catalog.csv: public on-demand Linux list prices (AWS us-east-1, Azure eastus, Google Cloud us-central1); spot discounts and interruption classes are indicative',
} as const;

export interface InstanceType {
  provider: CatalogProvider;
  instanceType: string;
  family: string;
  vcpu: number;
  memoryGib: number;
  gpuCount: number;
  gpuModel: GpuModel | undefined;
  region: string;
  /** List price per hour, a decimal string. */
  onDemandHourly: string;
  /** Typical spot discount off on-demand (0–1). */
  spotDiscount: number;
  /** Spot interruption frequency class: 0 <5 %, 1 5–10 %, 2 10–15 %, 3 15–20 %, 4 >20 % a month. */
  interruptionBucket: number;
}

export type CatalogProvider = 'AWS' | 'Microsoft' | 'Google Cloud';

/** The catalog's provider for a FOCUS ProviderName (`AWS`, `Amazon Web Services`, `Microsoft`, `Google Cloud`…). */
export function catalogProvider(name: string | null): CatalogProvider | undefined {
  if (!name) return undefined;
  if (/aws|amazon/i.test(name)) return 'AWS';
  if (/microsoft|azure/i.test(name)) return 'Microsoft';
  if (/google|gcp/i.test(name)) return 'Google Cloud';
  return undefined;
}

const entries = lazy(() =>
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
      } satisfies InstanceType;
    },
  ),
);

const byType = lazy(() => {
  const map = new Map<string, InstanceType>();
  for (const e of entries()) map.set(`${e.provider}|${e.instanceType.toLowerCase()}`, e);
  return map;
});

/** An instance type of a provider (the catalog has one region per provider). */
export function instanceType(
  provider: CatalogProvider,
  type: string | null,
): InstanceType | undefined {
  return type ? byType().get(`${provider}|${type.toLowerCase()}`) : undefined;
}

/** The provider's instance types in the given families. */
export function instanceTypesIn(
  provider: CatalogProvider,
  families: readonly string[],
): InstanceType[] {
  return entries().filter((e) => e.provider === provider && families.includes(e.family));
}

/** The provider's GPU instance types. */
export function gpuInstanceTypesOf(provider: CatalogProvider): InstanceType[] {
  return entries().filter((e) => e.provider === provider && e.gpuCount > 0);
}
