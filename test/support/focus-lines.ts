/** One cost line for a test FOCUS file; what is left out gets a plain default. */
export interface TestLine {
  billed: string;
  effective: string;
  provider?: string;
  account?: string;
  subAccount?: string;
  service?: string;
  category?: string;
  region?: string;
  resourceId?: string;
  resourceName?: string;
  tags?: Record<string, string>;
  commitmentId?: string;
  commitmentStatus?: string;
  /** BillingCurrency; USD when left out. */
  currency?: string;
  /** The day (YYYY-MM-DD, in the period) the line is charged for; the period's first when left out. */
  day?: string;
  /** ListCost, PricingQuantity (with PricingUnit `Hours`) and SkuId; empty when left out. */
  list?: string;
  quantity?: string;
  sku?: string;
}

const HEADER = [
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
  'ServiceName',
  'RegionId',
  'ResourceId',
  'ResourceName',
  'SubAccountId',
  'Tags',
  'CommitmentDiscountId',
  'CommitmentDiscountStatus',
  'ListCost',
  'PricingQuantity',
  'PricingUnit',
  'SkuId',
];

const nextDay = (d: string) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().replace('.000', '');

const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/** A FOCUS CSV of `lines` in billing period `period` (YYYY-MM), charged on their day (default the first). */
export function focusCsv(lines: readonly TestLine[], period: string): string {
  const start = `${period}-01T00:00:00Z`;
  const [y, m] = period.split('-').map(Number) as [number, number];
  const end = new Date(Date.UTC(y, m, 1)).toISOString().replace('.000', '');
  const day = `${period}-02T00:00:00Z`;
  const rows = lines.map((l) =>
    [
      l.account ?? '111',
      l.currency ?? 'USD',
      start,
      end,
      l.day ? `${l.day}T00:00:00Z` : start,
      l.day ? nextDay(l.day) : day,
      l.category ?? 'Usage',
      l.billed,
      l.effective,
      l.provider ?? 'AWS',
      l.service ?? 'Amazon Elastic Compute Cloud',
      l.region ?? 'us-east-1',
      l.resourceId ?? '',
      l.resourceName ?? '',
      l.subAccount ?? '111',
      l.tags ? JSON.stringify(l.tags) : '',
      l.commitmentId ?? '',
      l.commitmentStatus ?? '',
      l.list ?? '',
      l.quantity ?? '',
      l.quantity ? 'Hours' : '',
      l.sku ?? '',
    ]
      .map(csvCell)
      .join(','),
  );
  return [HEADER.join(','), ...rows].join('\n') + '\n';
}

/** One FOCUS CSV holding several billing periods: `{ '2024-09': [...], '2024-10': [...] }`. */
export function focusCsvPeriods(byPeriod: Record<string, readonly TestLine[]>): string {
  const files = Object.entries(byPeriod).map(([period, lines]) => focusCsv(lines, period));
  return [files[0]!, ...files.slice(1).map((f) => f.slice(f.indexOf('\n') + 1))].join('');
}
