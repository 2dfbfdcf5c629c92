import { AzureSourceConfig } from '../../../config/app-config.js';
import { CHARGE_COLUMNS, FocusCells } from '../cloud-fetcher.js';
import { dayCells } from '../period-window.js';
import { azureRegions, azureResourceTypes } from '../reference-data.js';

const TAG = 'tag:';

export const AZURE_COLUMNS = [
  ...CHARGE_COLUMNS,
  'ServiceCategory',
  'ServiceSubcategory',
  'RegionId',
  'RegionName',
  'ResourceId',
  'ResourceName',
  'x_ResourceGroupName',
  'x_ResourceType',
  'x_ChargeType',
  'x_Dimensions',
] as const;

const KNOWN = new Set([
  'SubscriptionId',
  'SubscriptionName',
  'ResourceGroupName',
  'ResourceGroup',
  'ResourceId',
  'ResourceLocation',
  'ServiceName',
  'MeterCategory',
  'ChargeType',
]);

/** Cost Management ChargeType → FOCUS ChargeCategory (unused commitments are Usage in FOCUS). */
function chargeCategory(chargeType: string | undefined): string {
  switch ((chargeType ?? 'usage').toLowerCase()) {
    case 'purchase':
      return 'Purchase';
    case 'refund':
      return 'Credit';
    case 'tax':
      return 'Tax';
    case 'roundingadjustment':
      return 'Adjustment';
    default:
      return 'Usage';
  }
}

/** `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1` → its parts. */
export function parseResourceId(id: string): { group?: string; type?: string; name?: string } {
  const group = /\/resourcegroups\/([^/]+)/i.exec(id)?.[1];
  const provider = /\/providers\/([^/]+)\/(.+)$/i.exec(id);
  let type: string | undefined;
  if (provider) {
    const segments = provider[2]!.split('/');
    // Types alternate with names: Microsoft.Sql/servers/s1/databases/d1 → microsoft.sql/servers/databases
    type = [provider[1], ...segments.filter((_, i) => i % 2 === 0)].join('/').toLowerCase();
  }
  const name = id.split('/').filter(Boolean).pop();
  return { group, type, name };
}

/** One day's cost of a group, as the Query API returned it. */
export interface DayCost {
  date: string;
  cost: string;
  currency: string;
}

/** One joined (day, dimension values) group as FOCUS cells; a side missing from either query costs 0. */
export function azureFocusCells(
  config: AzureSourceConfig,
  values: Readonly<Record<string, string>>,
  actual: DayCost | undefined,
  amortized: DayCost | undefined,
  periodCells: FocusCells,
): FocusCells {
  const day = (actual ?? amortized)!;
  const resourceId = values['ResourceId'] || undefined;
  const resource = resourceId ? parseResourceId(resourceId) : {};
  const typeInfo = resource.type ? azureResourceTypes().get(resource.type) : undefined;
  const location = values['ResourceLocation'];
  const region = location ? azureRegions().get(location.toLowerCase()) : undefined;
  const tags: Record<string, string> = {};
  for (const key of config.tagKeys) {
    const v = values[`${TAG}${key}`];
    if (v) tags[key] = v;
  }
  const extra = Object.entries(values).filter(([d]) => !KNOWN.has(d) && !d.startsWith(TAG));
  return {
    ...periodCells,
    BillingAccountId: /billingAccounts\/([^/]+)/i.exec(config.scope)?.[1] ?? null,
    BillingCurrency: day.currency || null,
    ...dayCells(day.date),
    ChargeCategory: chargeCategory(values['ChargeType']),
    BilledCost: actual?.cost ?? '0',
    EffectiveCost: amortized?.cost ?? '0',
    ProviderName: 'Microsoft',
    InvoiceIssuerName: 'Microsoft',
    ServiceName: values['ServiceName'] || values['MeterCategory'] || typeInfo?.name || null,
    ServiceCategory: typeInfo?.category ?? null,
    ServiceSubcategory: typeInfo?.subcategory ?? null,
    RegionId: region?.id ?? (location ? location.toLowerCase().replace(/\s+/g, '') : null),
    RegionName: region?.name ?? (location || null),
    ResourceId: resourceId ?? null,
    ResourceName: resource.name ?? null,
    SubAccountId: values['SubscriptionId'] || null,
    SubAccountName: values['SubscriptionName'] || null,
    Tags: Object.keys(tags).length > 0 ? JSON.stringify(tags) : null,
    x_ResourceGroupName:
      values['ResourceGroupName'] || values['ResourceGroup'] || resource.group || null,
    x_ResourceType: resource.type ?? null,
    x_ChargeType: values['ChargeType'] || null,
    x_Dimensions: extra.length > 0 ? JSON.stringify(Object.fromEntries(extra)) : null,
  };
}
