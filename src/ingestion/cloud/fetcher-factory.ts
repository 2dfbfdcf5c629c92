import { CloudSourceConfig } from '../../config/app-config.js';
import { CostExplorerFetcher } from './aws/cost-explorer-fetcher.js';
import { CostManagementFetcher } from './azure/cost-management-fetcher.js';
import { CloudFetcher } from './cloud-fetcher.js';
import { CloudTransport } from './cloud-transport.js';
import { BillingExportFetcher } from './gcp/billing-export-fetcher.js';

export function createFetcher(config: CloudSourceConfig, transport: CloudTransport): CloudFetcher {
  switch (config.kind) {
    case 'aws-cost-explorer':
      return new CostExplorerFetcher(config);
    case 'azure-cost-management':
      return new CostManagementFetcher(config, transport);
    case 'gcp-billing-export':
      return new BillingExportFetcher(config, transport);
  }
}
