import type { Command } from 'commander';

const actions = () => import('./recommend-actions.js');

/** `finops recommend`, `finops prices refresh`. */
export function addRecommendCommands(program: Command): void {
  program
    .command('prices')
    .description('list prices of the instance catalog')
    .command('refresh')
    .description('read current list prices from the price APIs in config/recommendations.yaml')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => (await actions()).refreshPrices(opts));

  program
    .command('recommend')
    .description(
      'run the recommenders now (as the daily schedule does) and list open recommendations',
    )
    .option('--limit <n>', 'how many to list', (v) => Number(v), 20)
    .option('--json', 'print JSON: the run and the open recommendations')
    .action(async (opts: { limit: number; json?: boolean }) => (await actions()).recommend(opts));
}
