/**
 * The FOCUS Cost and Usage columns this product stores, one entry per column of `cost_record`.
 * 1.2 is the core; 1.3 and 1.4 additions are included so every version maps onto one table.
 * Column notes: ../shared/research/focus.md §1 (FOCUS spec `specification/columns/*.md`).
 */
export type FocusType = 'text' | 'decimal' | 'timestamp' | 'json';

export interface FocusColumn {
  /** FOCUS PascalCase name as in the spec's current version. */
  readonly name: string;
  /** snake_case column in cost_record. */
  readonly column: string;
  readonly type: FocusType;
  /** A row without a valid value here is rejected (the rest are kept even when odd). */
  readonly required?: boolean;
  /** Earlier (or later) header names that mean the same column. */
  readonly aliases?: readonly string[];
}

const c = (
  name: string,
  type: FocusType,
  extra: { required?: boolean; aliases?: readonly string[] } = {},
): FocusColumn => ({
  name,
  column: name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase(),
  type,
  ...extra,
});

export const FOCUS_COLUMNS: readonly FocusColumn[] = [
  c('AvailabilityZone', 'text'),
  c('BilledCost', 'decimal', { required: true }),
  c('BillingAccountId', 'text'),
  c('BillingAccountName', 'text'),
  c('BillingAccountType', 'text'),
  c('BillingCurrency', 'text', { required: true }),
  c('BillingPeriodEnd', 'timestamp', { required: true }),
  c('BillingPeriodStart', 'timestamp', { required: true }),
  c('CapacityReservationId', 'text'),
  c('CapacityReservationStatus', 'text'),
  c('ChargeCategory', 'text', { required: true, aliases: ['ChargeType'] }),
  c('ChargeClass', 'text'),
  c('ChargeDescription', 'text'),
  c('ChargeFrequency', 'text'),
  c('ChargePeriodEnd', 'timestamp', { required: true }),
  c('ChargePeriodStart', 'timestamp', { required: true }),
  c('CommitmentDiscountCategory', 'text'),
  c('CommitmentDiscountId', 'text'),
  c('CommitmentDiscountName', 'text'),
  c('CommitmentDiscountQuantity', 'decimal'),
  c('CommitmentDiscountStatus', 'text'),
  c('CommitmentDiscountType', 'text'),
  c('CommitmentDiscountUnit', 'text'),
  c('ConsumedQuantity', 'decimal', { aliases: ['UsageQuantity'] }),
  c('ConsumedUnit', 'text', { aliases: ['UsageUnit'] }),
  c('ContractedCost', 'decimal'),
  c('ContractedUnitPrice', 'decimal'),
  c('EffectiveCost', 'decimal', { required: true, aliases: ['AmortizedCost'] }),
  c('InvoiceId', 'text'),
  c('InvoiceIssuerName', 'text', { aliases: ['InvoiceIssuer'] }),
  c('ListCost', 'decimal'),
  c('ListUnitPrice', 'decimal'),
  c('PricingCategory', 'text'),
  c('PricingCurrency', 'text'),
  c('PricingCurrencyContractedUnitPrice', 'decimal'),
  c('PricingCurrencyEffectiveCost', 'decimal'),
  c('PricingCurrencyListUnitPrice', 'decimal'),
  c('PricingQuantity', 'decimal'),
  c('PricingUnit', 'text'),
  c('ProviderName', 'text', { aliases: ['Provider'] }),
  c('PublisherName', 'text', { aliases: ['Publisher'] }),
  c('RegionId', 'text', { aliases: ['Region'] }),
  c('RegionName', 'text'),
  c('ResourceId', 'text'),
  c('ResourceName', 'text'),
  c('ResourceType', 'text'),
  c('ServiceCategory', 'text'),
  c('ServiceName', 'text'),
  c('ServiceSubcategory', 'text'),
  c('SkuId', 'text'),
  c('SkuMeter', 'text'),
  c('SkuPriceDetails', 'json'),
  c('SkuPriceId', 'text'),
  c('SubAccountId', 'text'),
  c('SubAccountName', 'text'),
  c('SubAccountType', 'text'),
  c('Tags', 'json'),
  // FOCUS 1.3
  c('AllocatedMethodDetails', 'json'),
  c('AllocatedMethodId', 'text'),
  c('AllocatedResourceId', 'text'),
  c('AllocatedResourceName', 'text'),
  c('AllocatedTags', 'json'),
  c('ContractApplied', 'json'),
  c('HostProviderName', 'text'),
  c('ServiceProviderName', 'text'),
  // FOCUS 1.4
  c('CommitmentProgramEligibilityDetails', 'json'),
  c('InvoiceDetailId', 'text'),
];

/** Lineage and bag columns of cost_record, after the FOCUS columns, in COPY order. */
export const LINEAGE_COLUMNS = [
  'source_id',
  'import_run_id',
  'billing_period',
  'source_line',
  'extensions',
] as const;

/** Every cost_record column in the order the loader writes them. */
export const COST_RECORD_COLUMNS: readonly string[] = [
  ...LINEAGE_COLUMNS,
  ...FOCUS_COLUMNS.map((col) => col.column),
];

/** FOCUS columns that hold money in BillingCurrency. */
export const MONEY_COLUMNS = ['BilledCost', 'EffectiveCost', 'ListCost', 'ContractedCost'] as const;
