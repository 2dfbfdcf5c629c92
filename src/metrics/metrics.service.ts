import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of this process. One registry per application instance (not prom-client's
 * global one), so several instances in one process (tests) do not collide.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly importRuns = new Counter({
    name: 'finops_import_runs_total',
    help: 'Import runs by source and outcome (succeeded, failed)',
    labelNames: ['source', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly importRows = new Counter({
    name: 'finops_import_rows_total',
    help: 'Cost rows loaded by successful imports, by source',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  readonly importDuration = new Histogram({
    name: 'finops_import_duration_seconds',
    help: 'Import duration by source and outcome',
    labelNames: ['source', 'outcome'] as const,
    buckets: [0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800],
    registers: [this.registry],
  });

  readonly providerRequests = new Counter({
    name: 'finops_provider_requests_total',
    help: 'Billing API requests made by cloud importers, by source and outcome (sent, retried); Cost Explorer bills each',
    labelNames: ['source', 'outcome'] as const,
    registers: [this.registry],
  });

  private processMetrics = false;

  /**
   * Node process metrics (memory, event-loop lag, GC). Only the service turns them on: their GC
   * observer costs a CLI import of a million rows about 20% of its time, and nobody scrapes a CLI.
   */
  enableProcessMetrics(): void {
    if (this.processMetrics) return;
    collectDefaultMetrics({ register: this.registry });
    this.processMetrics = true;
  }

  recordImport(
    source: string,
    outcome: 'succeeded' | 'failed',
    seconds: number,
    rows: number,
  ): void {
    this.importRuns.inc({ source, outcome });
    this.importDuration.observe({ source, outcome }, seconds);
    if (rows > 0) this.importRows.inc({ source }, rows);
  }
}
