import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config.js';
import { CloudTransport } from '../ingestion/cloud/cloud-transport.js';
import { createFetchContext } from '../ingestion/cloud/fetch-context.js';
import { catalogClient } from '../ingestion/cloud/gcp/catalog-client.js';
import { LOGGER } from '../logging/logger.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { PriceSourceConfig } from '../recommendations/recommend-config.js';
import { CatalogProvider, InstanceCatalog, RefreshedPrice } from './instance-catalog.js';
import { awsPricing } from './price-sources/aws-pricing.js';
import { azureRetailPrices } from './price-sources/azure-retail-prices.js';
import { gcpBillingCatalog } from './price-sources/gcp-billing-catalog.js';

/** Requests one price source may make in a refresh (a guard against runaway paging). */
const MAX_REQUESTS = 500;

const PROVIDER: Record<PriceSourceConfig['kind'], CatalogProvider> = {
  'azure-retail-prices': 'Microsoft',
  'aws-pricing': 'AWS',
  'gcp-billing-catalog': 'Google Cloud',
};

export interface PriceRefreshResult {
  kind: PriceSourceConfig['kind'];
  regions: string[];
  status: 'succeeded' | 'failed';
  prices: number;
  requests: number;
  retries: number;
  /** Why it failed; the prices from the last successful refresh stay in use. */
  error?: string;
}

/**
 * The instance catalog the recommenders price with: the bundled catalog, with list prices from
 * the configured price APIs laid over it. A refresh replaces one source's prices per region in
 * one transaction; a failing source keeps its previous prices.
 */
@Injectable()
export class PricesService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly transport: CloudTransport,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  get sources(): PriceSourceConfig[] {
    return this.config.recommendations.prices;
  }

  async catalog(): Promise<InstanceCatalog> {
    const rows = (await this.dataSource.query(
      `SELECT provider, region, instance_type, on_demand_hourly::text AS on_demand,
              spot_hourly::text AS spot, source, fetched_at FROM instance_price`,
    )) as {
      provider: CatalogProvider;
      region: string;
      instance_type: string;
      on_demand: string;
      spot: string | null;
      source: string;
      fetched_at: Date;
    }[];
    return InstanceCatalog.withPrices(
      rows.map((r) => ({
        provider: r.provider,
        region: r.region,
        instanceType: r.instance_type,
        onDemandHourly: r.on_demand,
        spotHourly: r.spot,
        source: r.source,
        fetchedAt: r.fetched_at,
      })),
    );
  }

  async refresh(now = new Date()): Promise<PriceRefreshResult[]> {
    const results: PriceRefreshResult[] = [];
    for (const source of this.sources) {
      const tally = { requests: 0, retries: 0 };
      const ctx = createFetchContext({
        source: `prices:${source.kind}`,
        limit: MAX_REQUESTS,
        tally,
        transport: this.transport,
        metrics: this.metrics,
        log: this.log,
        now,
      });
      const base = { kind: source.kind, regions: source.regions };
      try {
        const prices = await this.fetch(source, ctx, now);
        await this.store(PROVIDER[source.kind], source.regions, prices);
        results.push({ ...base, status: 'succeeded', prices: prices.length, ...tally });
        this.log.info(
          { event: 'prices.refreshed', kind: source.kind, prices: prices.length, ...tally },
          'list prices refreshed',
        );
      } catch (err) {
        const error = (err as Error).message.split('\n')[0]!;
        results.push({ ...base, status: 'failed', prices: 0, ...tally, error });
        this.log.error(
          { event: 'prices.failed', kind: source.kind, reason: error },
          'price refresh failed; the previous prices stay',
        );
      }
    }
    return results;
  }

  private fetch(
    source: PriceSourceConfig,
    ctx: Parameters<typeof azureRetailPrices>[2],
    now: Date,
  ): Promise<RefreshedPrice[]> {
    switch (source.kind) {
      case 'azure-retail-prices':
        return azureRetailPrices(source.endpoint, source.regions, ctx, now);
      case 'aws-pricing':
        return awsPricing(source, ctx, now);
      case 'gcp-billing-catalog':
        return gcpBillingCatalog(
          catalogClient(source.endpoint, source.serviceAccountKey, this.transport),
          source.regions,
          ctx,
          now,
        );
    }
  }

  private async store(
    provider: CatalogProvider,
    regions: readonly string[],
    prices: readonly RefreshedPrice[],
  ): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query(`DELETE FROM instance_price WHERE provider = $1 AND region = ANY($2)`, [
        provider,
        regions,
      ]);
      if (prices.length === 0) return;
      await m.query(
        `INSERT INTO instance_price (provider, region, instance_type, on_demand_hourly, spot_hourly,
                source, fetched_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::numeric[],
                              $6::text[], $7::timestamptz[])`,
        [
          prices.map((p) => p.provider),
          prices.map((p) => p.region),
          prices.map((p) => p.instanceType),
          prices.map((p) => p.onDemandHourly),
          prices.map((p) => p.spotHourly),
          prices.map((p) => p.source),
          prices.map((p) => p.fetchedAt),
        ],
      );
    });
  }
}
