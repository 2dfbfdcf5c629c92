import { ALL_TEAMS } from '../auth/team-scope.js';
import { PricesService } from '../catalog/prices.service.js';
import type { RecommendationView } from '../recommendations/recommendation-view.js';
import {
  RecommendationsService,
  RecommendRunResult,
} from '../recommendations/recommendations.service.js';
import { table } from './format.js';
import { CLI_ACTOR, withApp } from './with-app.js';

export async function refreshPrices(opts: { json?: boolean }): Promise<void> {
  const results = await withApp(async (app) => {
    const prices = app.get(PricesService);
    if (prices.sources.length === 0)
      throw new Error('no price source is configured (prices: in config/recommendations.yaml)');
    return prices.refresh();
  });
  process.stdout.write(
    `${
      opts.json
        ? JSON.stringify(results, null, 2)
        : results
            .map((r) =>
              r.status === 'succeeded'
                ? `${r.kind} ${r.regions.join(', ')}: ${r.prices} prices (${r.requests} requests)`
                : `${r.kind} ${r.regions.join(', ')}: failed: ${r.error} (the previous prices stay)`,
            )
            .join('\n')
    }\n`,
  );
  if (results.some((r) => r.status === 'failed')) process.exitCode = 1;
}

export async function recommend(opts: { limit: number; json?: boolean }): Promise<void> {
  const out = await withApp(async (app) => {
    const service = app.get(RecommendationsService);
    const run = await service.run({ actor: CLI_ACTOR.name });
    const open = await service.list({ status: 'open', limit: opts.limit }, ALL_TEAMS);
    return { run, open };
  });
  process.stdout.write(
    `${opts.json ? JSON.stringify(out, null, 2) : formatRecommendations(out.run, out.open.items)}\n`,
  );
}

function formatRecommendations(run: RecommendRunResult, items: RecommendationView[]): string {
  const head = run.window
    ? `Looked at ${run.window.from.slice(0, 10)} to ${run.window.to.slice(0, 10)} in ${run.seconds} s: ` +
      `${run.created} new, ${run.updated} updated, ${run.reopened} reopened, ${run.resolved} resolved, ${run.verified} verified.`
    : 'No cost data yet: nothing to recommend.';
  const open =
    `Open: ${run.open.count}, saving ${run.open.monthlySavings} a month` +
    (run.open.unknownPrice ? ` (+${run.open.unknownPrice} with an unknown price)` : '');
  if (items.length === 0) return `${head}\n${open}`;
  const rows = items.map((r) => [
    String(r.id),
    r.kind,
    r.team ?? '-',
    r.monthlySavings ?? 'unknown',
    r.risk,
    r.title,
  ]);
  return `${head}\n${open}\n\n${table(['id', 'kind', 'team', 'monthly saving', 'risk', 'what to do'], rows, [0, 3])}`;
}
