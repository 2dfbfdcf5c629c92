import type { Logger } from 'pino';
import { MetricsService } from '../../metrics/metrics.service.js';
import { FetchContext, RequestBudgetError } from './cloud-fetcher.js';
import { CloudTransport } from './cloud-transport.js';

/** Where a run counts its provider requests and retries (its result object). */
export interface RequestTally {
  requests: number;
  retries: number;
}

/** The retry policy, request budget and counters one provider run works with. */
export function createFetchContext(opts: {
  source: string;
  limit: number;
  tally: RequestTally;
  transport: CloudTransport;
  metrics: MetricsService;
  log: Logger;
  now: Date;
}): FetchContext {
  const { source, limit, tally, metrics } = opts;
  return {
    retry: opts.transport.retry,
    sleep: opts.transport.sleep,
    log: opts.log.child({ source }),
    now: opts.now,
    budget: { limit, remaining: () => limit - tally.requests },
    countRequest: () => {
      if (tally.requests >= limit) {
        throw new RequestBudgetError(limit, `${tally.requests} requests made`);
      }
      tally.requests++;
      metrics.providerRequests.inc({ source, outcome: 'sent' });
    },
    countRetry: () => {
      tally.retries++;
      metrics.providerRequests.inc({ source, outcome: 'retried' });
    },
  };
}
