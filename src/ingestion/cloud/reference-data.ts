import { lazy, referenceTable as table } from '../../catalog/reference-table.js';

// Lookup tables shipped in `reference-data/` (FinOps toolkit and FOCUS converter open data, MIT;
// see NOTICE). Read once, on first use.

/** Azure location spellings (`East US`, `eastus`, `US East`) → canonical RegionId and RegionName. */
export const azureRegions = lazy(
  () =>
    new Map(
      table('azure-regions.csv').map(([original, id, name]) => [
        original!,
        { id: id!, name: name! },
      ]),
    ),
);

/** Azure ARM resource type (lower-case) → FOCUS ServiceName, ServiceCategory, ServiceSubcategory. */
export const azureResourceTypes = lazy(
  () =>
    new Map(
      table('azure-resource-types.csv').map(([type, name, category, subcategory]) => [
        type!,
        { name: name!, category: category!, subcategory: subcategory! },
      ]),
    ),
);

/** GCP service description (`Compute Engine`) → FOCUS ServiceCategory. */
export const gcpServiceCategories = lazy(
  () =>
    new Map(
      table('gcp-service-categories.csv').map(([service, category]) => [service!, category!]),
    ),
);
