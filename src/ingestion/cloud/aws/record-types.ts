/**
 * FOCUS ChargeCategory of a Cost Explorer RECORD_TYPE value. Cost Explorer spells them either as
 * in CUR (`SavingsPlanCoveredUsage`) or for display (`Savings Plan Covered Usage`); both are read.
 * Without RECORD_TYPE among the dimensions only taxes (service "Tax") can be told apart.
 */
export function chargeCategoryOf(
  recordType: string | undefined,
  service: string | undefined,
): string {
  if (!recordType) return service === 'Tax' ? 'Tax' : 'Usage';
  const t = recordType.toLowerCase().replace(/[\s_-]/g, '');
  if (t === 'tax') return 'Tax';
  if (t.endsWith('usage') || t === 'savingsplannegation') return 'Usage';
  if (t === 'credit' || t === 'refund' || t.includes('discount')) return 'Credit';
  if (t.includes('fee') || t.includes('upfront')) return 'Purchase';
  return 'Adjustment';
}
