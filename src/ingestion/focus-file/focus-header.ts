import { FOCUS_COLUMNS, FocusColumn } from '../../billing/focus-columns.js';
import { ImportProblem } from '../import-errors.js';
import { PeriodBounds } from '../../billing/billing-period.js';

export type FocusVersion = '1.0-preview' | '1.0' | '1.1' | '1.2' | '1.3' | '1.4';

/** Where each input column goes: a FOCUS column (by index in FOCUS_COLUMNS) or the extensions bag. */
export interface HeaderPlan {
  readonly version: FocusVersion;
  /** For each input column: index into FOCUS_COLUMNS, or -1 for an extension column. */
  readonly targets: readonly number[];
  /** Header names as given (BOM and surrounding spaces removed). */
  readonly names: readonly string[];
  /** Indexes into FOCUS_COLUMNS of required columns (all present when a plan exists). */
  readonly present: ReadonlySet<number>;
  /** Billing periods a row may have (plausiblePeriods on the day of the import). */
  readonly periods: PeriodBounds;
}

const BY_NAME = new Map<string, number>();
FOCUS_COLUMNS.forEach((col, i) => {
  BY_NAME.set(col.name.toLowerCase(), i);
  for (const alias of col.aliases ?? []) BY_NAME.set(alias.toLowerCase(), i);
});

/**
 * Detects the FOCUS version from which columns are present (the FinOps toolkit heuristic, see
 * research/focus.md §6 item 14): no ProviderName with ServiceProviderName ⇒ 1.4; ServiceProviderName
 * ⇒ 1.3; InvoiceId/PricingCurrency/BillingAccountType ⇒ 1.2; SkuMeter/ServiceSubcategory/
 * CapacityReservationId ⇒ 1.1; ChargeClass/ConsumedQuantity/RegionId ⇒ 1.0; else 1.0-preview.
 */
export function detectVersion(names: readonly string[]): FocusVersion {
  const has = new Set(names.map((n) => n.toLowerCase()));
  const any = (...cols: string[]) => cols.some((col) => has.has(col.toLowerCase()));
  if (any('ServiceProviderName', 'HostProviderName')) {
    return any('ProviderName', 'PublisherName') ? '1.3' : '1.4';
  }
  if (any('InvoiceId', 'PricingCurrency', 'BillingAccountType', 'SubAccountType')) return '1.2';
  if (
    any(
      'SkuMeter',
      'SkuPriceDetails',
      'ServiceSubcategory',
      'CapacityReservationId',
      'CommitmentDiscountQuantity',
    )
  ) {
    return '1.1';
  }
  if (any('ChargeClass', 'ConsumedQuantity', 'RegionId', 'ContractedCost')) return '1.0';
  return '1.0-preview';
}

/**
 * Maps a header row onto cost_record. Columns may come in any order and any case; unknown and `x_`
 * columns go to extensions. Returns problems (line 1) when a required column is missing or a
 * column appears twice.
 */
export function planHeader(
  rawNames: readonly string[],
  periods: PeriodBounds,
): HeaderPlan | ImportProblem[] {
  const names = rawNames.map((n, i) => (i === 0 ? n.replace(/^\uFEFF/, '') : n).trim());
  const problems: ImportProblem[] = [];
  const targets: number[] = [];
  const present = new Set<number>();
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    const key = name.toLowerCase();
    if (name === '') {
      problems.push({ line: 1, column: `#${i + 1}`, reason: 'empty column name' });
    } else if (name.includes('\0')) {
      problems.push({ line: 1, column: `#${i + 1}`, reason: 'column name contains a NUL byte' });
    } else if (seen.has(key)) {
      problems.push({
        line: 1,
        column: name,
        reason: `duplicate column (also column ${seen.get(key)! + 1})`,
      });
    }
    seen.set(key, i);
    const target = key.startsWith('x_') ? undefined : BY_NAME.get(key);
    if (target === undefined || present.has(target)) {
      targets.push(-1);
    } else {
      targets.push(target);
      present.add(target);
    }
  });
  FOCUS_COLUMNS.forEach((col: FocusColumn, i) => {
    if (col.required && !present.has(i)) {
      problems.push({ line: 1, column: col.name, reason: 'required column is missing' });
    }
  });
  if (problems.length > 0) return problems;
  return { version: detectVersion(names), targets, names, present, periods };
}
