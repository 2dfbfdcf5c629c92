import type { INestApplicationContext } from '@nestjs/common';
import type { Command } from 'commander';
import { ALL_TEAMS } from '../auth/team-scope.js';
import type { Principal } from '../auth/roles.js';
import type { RecommendationView } from '../recommendations/recommendation-view.js';
import {
  RecommendationsService,
  RecommendRunResult,
} from '../recommendations/recommendations.service.js';
import { table } from './format.js';
import { PricesService } from '../catalog/prices.service.js';

type WithApp = <T>(work: (app: INestApplicationContext) => Promise<T>) => Promise<T>;

/** `finops recommend`, `finops prices refresh`. */
export function addRecommendCommands(program: Command, withApp: WithApp, actor: Principal): void {
  program
    .command('prices')
    .description('list prices of the instance catalog')
    .command('refresh')
    .description('read current list prices from the price APIs in config/recommendations.yaml')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
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
    });

  program
    .command('recommend')
    .description(
      'run the recommenders now (as the daily schedule does) and list open recommendations',
    )
    .option('--limit <n>', 'how many to list', (v) => Number(v), 20)
    .option('--json', 'print JSON: the run and the open recommendations')
    .action(async (opts: { limit: number; json?: boolean }) => {
      const out = await withApp(async (app) => {
        const service = app.get(RecommendationsService);
        const run = await service.run({ actor: actor.name });
        const open = await service.list({ status: 'open', limit: opts.limit }, ALL_TEAMS);
        return { run, open };
      });
      process.stdout.write(
        `${opts.json ? JSON.stringify(out, null, 2) : formatRecommendations(out.run, out.open.items)}\n`,
      );
    });
}

export function formatRecommendations(
  run: RecommendRunResult,
  items: RecommendationView[],
): string {
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
