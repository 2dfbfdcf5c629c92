import { CloudCatalogClient, protos } from '@google-cloud/billing';
import { resolveSecretRef } from '../../../config/secret-ref.js';
import type { FetchContext } from '../cloud-fetcher.js';
import type { CloudTransport } from '../cloud-transport.js';
import { callProvider } from '../provider-call.js';
import { readGoogleError } from './gcp-errors.js';

type Sku = protos.google.cloud.billing.v1.ISku;
type ListSkusRequest = protos.google.cloud.billing.v1.IListSkusRequest;

/** A Cloud Billing catalog client: its endpoint (tests, private endpoints), key or ADC. */
export function catalogClient(
  catalogEndpoint: string | undefined,
  serviceAccountKey: string | undefined,
  transport: CloudTransport,
): CloudCatalogClient {
  const endpoint = catalogEndpoint ? new URL(catalogEndpoint) : undefined;
  return new CloudCatalogClient({
    fallback: true, // REST over HTTP/1.1: works through proxies and private endpoints
    ...(endpoint
      ? {
          apiEndpoint: endpoint.hostname,
          port: Number(endpoint.port) || (endpoint.protocol === 'http:' ? 80 : 443),
          protocol: endpoint.protocol.replace(':', ''),
        }
      : {}),
    ...(transport.gcpAuthClient ? { authClient: transport.gcpAuthClient as never } : {}),
    ...(serviceAccountKey
      ? { credentials: JSON.parse(resolveSecretRef(serviceAccountKey)) as object }
      : {}),
  });
}

/**
 * The SKUs of one catalog service, page by page (each page one retried request). The client's
 * stub is built and awaited here first: every generated method also starts
 * `this.initialize().catch(err => { throw err; })` without awaiting it, so a stub that cannot be
 * built (credentials of another universe domain, no credentials) would reject a promise nobody
 * handles and stop the process. Once built, that promise resolves; if not, no method is called
 * and the failure is the run's.
 */
export async function* skuPages(
  client: CloudCatalogClient,
  parent: string,
  currencyCode: string,
  ctx: FetchContext,
): AsyncIterable<Sku[]> {
  await callProvider(
    ctx,
    'Cloud Billing catalog client',
    () => client.initialize(),
    readGoogleError,
  );
  let request: ListSkusRequest | null = { parent, currencyCode, pageSize: 5000 };
  for (let page = 1; request; page++) {
    const current: ListSkusRequest = request;
    const [skus, next]: [Sku[], ListSkusRequest | null, unknown] = await callProvider(
      ctx,
      `Cloud Billing catalog listSkus ${parent} page ${page}`,
      () => client.listSkus(current, { autoPaginate: false }),
      readGoogleError,
    );
    yield skus;
    request = next?.pageToken ? { ...current, pageToken: next.pageToken } : null;
  }
}
