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

type WithApp = <T>(work: (app: INestApplicationContext) => Promise<T>) => Promise<T>;

/** `finops recommend`: run the recommenders now and show the open recommendations. */
export function addRecommendCommands(program: Command, withApp: WithApp, actor: Principal): void {
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
