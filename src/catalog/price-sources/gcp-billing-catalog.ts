import { CloudCatalogClient, protos } from '@google-cloud/billing';
import { D, Dec } from '../../gpu/gpu-cost-split.js';
import type { FetchContext } from '../../ingestion/cloud/cloud-fetcher.js';
import { skuPages } from '../../ingestion/cloud/gcp/catalog-client.js';
import { moneyValue } from '../../ingestion/cloud/gcp/sku-catalog.js';
import { InstanceCatalog, InstanceType, RefreshedPrice } from '../instance-catalog.js';

/** Compute Engine in the Cloud Billing catalog. */
export const COMPUTE_ENGINE = 'services/6F81-5844-456A';

/** How the catalog's GPU SKUs name each GPU model. */
const GPU_SKU: Record<string, RegExp> = {
  'L4-24GB': /nvidia l4 gpu/i,
  'T4-16GB': /nvidia tesla t4 gpu/i,
  'A100-40GB': /nvidia tesla a100 gpu/i,
  'A100-80GB': /a100 80gb gpu/i,
  'H100-80GB': /h100 80gb gpu/i,
};

interface Rate {
  onDemand?: Dec;
  spot?: Dec;
}

/**
 * Machine-type prices per hour for the catalog's Google Cloud types in each region, composed
 * from the Cloud Billing catalog the way Compute Engine bills them: vCPUs x the series' core
 * price + GiB x its RAM price (+ GPUs x the GPU's price), on demand and spot (Preemptible SKUs).
 * A type whose parts are not all priced in the region is left out.
 */
export async function gcpBillingCatalog(
  client: CloudCatalogClient,
  regions: readonly string[],
  ctx: FetchContext,
  now: Date,
): Promise<RefreshedPrice[]> {
  const skus: protos.google.cloud.billing.v1.ISku[] = [];
  for await (const page of skuPages(client, COMPUTE_ENGINE, 'USD', ctx)) skus.push(...page);
  const out: RefreshedPrice[] = [];
  for (const region of regions) {
    const inRegion = skus.filter((s) => s.serviceRegions?.includes(region));
    const rate = (test: (description: string) => boolean): Rate => {
      const r: Rate = {};
      for (const s of inRegion) {
        if (
          !test(s.description ?? '') ||
          /custom|sole tenancy|commitment/i.test(s.description ?? '')
        )
          continue;
        const price = flatPrice(s);
        if (price === undefined) continue;
        if (s.category?.usageType === 'OnDemand') r.onDemand = price;
        if (s.category?.usageType === 'Preemptible') r.spot = price;
      }
      return r;
    };
    for (const t of InstanceCatalog.typesOf('Google Cloud')) {
      const p = machinePrice(t, rate);
      if (p)
        out.push({
          provider: 'Google Cloud',
          region,
          instanceType: t.instanceType,
          onDemandHourly: p.onDemand,
          spotHourly: p.spot,
          source: 'Cloud Billing catalog',
          fetchedAt: now,
        });
    }
  }
  return out;
}

function machinePrice(
  t: InstanceType,
  rate: (test: (description: string) => boolean) => Rate,
): { onDemand: string; spot: string | null } | undefined {
  const series = t.instanceType.split('-')[0]!.toUpperCase();
  const core = rate((d) =>
    new RegExp(`^(spot preemptible )?${series} instance core running in`, 'i').test(d),
  );
  const ram = rate((d) =>
    new RegExp(`^(spot preemptible )?${series} instance ram running in`, 'i').test(d),
  );
  const gpuPattern = t.gpuModel ? GPU_SKU[t.gpuModel.model] : undefined;
  if (t.gpuCount > 0 && !gpuPattern) return undefined;
  const gpu = gpuPattern ? rate((d) => gpuPattern.test(d)) : { onDemand: new D(0), spot: new D(0) };
  const sum = (k: keyof Rate) =>
    core[k] && ram[k] && gpu[k]
      ? core[k].times(t.vcpu).plus(ram[k].times(t.memoryGib)).plus(gpu[k].times(t.gpuCount))
      : undefined;
  const onDemand = sum('onDemand');
  if (!onDemand) return undefined;
  const spot = sum('spot');
  return {
    onDemand: onDemand.toDecimalPlaces(6).toString(),
    spot: spot ? spot.toDecimalPlaces(6).toString() : null,
  };
}

/** A SKU's price per usage unit when it has exactly one rate (no tiers), in USD. */
function flatPrice(s: protos.google.cloud.billing.v1.ISku): Dec | undefined {
  const rates = s.pricingInfo?.[0]?.pricingExpression?.tieredRates ?? [];
  if (rates.length !== 1 || rates[0]!.unitPrice?.currencyCode !== 'USD') return undefined;
  return moneyValue(rates[0]!.unitPrice);
}
