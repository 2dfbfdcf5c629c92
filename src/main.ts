import { ConfigError, loadConfig } from './config/app-config.js';
import { createHttpApp, listen } from './http-app.js';
import { AdminBootstrap } from './auth/admin-bootstrap.js';
import { SampleDataLoader } from './ingestion/sample-data.loader.js';
import { SourceScheduler } from './sources/source-scheduler.js';
import { RecommendationScheduler } from './recommendations/recommendation-scheduler.js';
import { createLogger } from './logging/logger.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel ?? 'info');
  // A stray rejection or exception (a bug, a client gone mid-stream) is logged; it must not take
  // down the service and every request in flight with it (invariant 7).
  process.on('unhandledRejection', (err: unknown) =>
    logger.error({ event: 'process.unhandled_rejection', err }, 'unhandled rejection'),
  );
  process.on('uncaughtException', (err: Error) =>
    logger.error({ event: 'process.uncaught_exception', err }, 'uncaught exception'),
  );
  const app = await createHttpApp(config, logger);
  await app.init();
  const sample = app.get(SampleDataLoader);
  await sample.removeIfRealSourcesConfigured();
  // The bundled sample gets its recommendations at once; real data at the daily run.
  if (await sample.loadIfFirstStart()) await app.get(RecommendationScheduler).tick();
  const adminSecret = await app.get(AdminBootstrap).ensureAdmin();
  if (adminSecret) {
    // Deliberately outside the structured log: shown once to the person starting the service.
    process.stderr.write(
      `\nAdmin API token (shown once; store it now, or set FINOPS_ADMIN_TOKEN):\n  ${adminSecret}\n\n`,
    );
  }
  app.get(SourceScheduler).start();
  app.get(RecommendationScheduler).start();
  await listen(app, config);
  const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  logger.info(
    { event: 'service.listening', url, docs: `${url}/api/docs` },
    `finops-chargeback listening on ${url}`,
  );
}

main().catch((err: unknown) => {
  const message = err instanceof ConfigError ? err.message : ((err as Error).stack ?? String(err));
  process.stderr.write(`finops-chargeback: cannot start: ${message}\n`);
  process.exit(1);
});
