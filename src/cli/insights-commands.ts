import type { Command } from 'commander';

const actions = () => import('./insights-actions.js');

/** `finops anomalies`, `finops forecast`. */
export function addInsightsCommands(program: Command): void {
  program
    .command('anomalies')
    .description('detect cost anomalies in daily spend now and list them')
    .option('--limit <n>', 'how many to list', (v) => Number(v), 20)
    .option('--json', 'print JSON')
    .action(async (opts: { limit: number; json?: boolean }) => (await actions()).anomalies(opts));

  program
    .command('forecast')
    .description('month-end and next three months of spend per team, from daily history')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => (await actions()).forecast(opts));
}
