import { ALL_TEAMS } from '../auth/team-scope.js';
import { InsightsService } from '../insights/insights.service.js';
import { table } from './format.js';
import { CLI_ACTOR, withApp } from './with-app.js';

export async function anomalies(opts: { limit: number; json?: boolean }): Promise<void> {
  const out = await withApp(async (app) => {
    const insights = app.get(InsightsService);
    const run = await insights.detect({ actor: CLI_ACTOR.name });
    return { run, anomalies: await insights.list({ limit: opts.limit }, ALL_TEAMS) };
  });
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  const head = out.run.to
    ? `Looked at ${out.run.from} to ${out.run.to}: ${out.run.found} anomalies (${out.run.created} new).`
    : 'No cost data yet.';
  const rows = out.anomalies.map((a) => [
    String(a.id),
    `${a.scopeKind} ${a.scope}`,
    a.startDay === a.endDay ? a.startDay : `${a.startDay}..${a.endDay}`,
    a.impact,
    a.impactPercent === null ? 'new' : `${Math.round(a.impactPercent * 100)} %`,
    a.status,
  ]);
  process.stdout.write(
    `${head}\n${rows.length ? `\n${table(['id', 'scope', 'days', 'impact', 'above expected', 'status'], rows, [0, 3, 4])}\n` : ''}`,
  );
}

export async function forecast(opts: { json?: boolean }): Promise<void> {
  const f = await withApp((app) => app.get(InsightsService).forecast(ALL_TEAMS));
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(f, null, 2)}\n`);
    return;
  }
  if (!f.asOf) {
    process.stdout.write('No cost data yet.\n');
    return;
  }
  const lines = [...(f.total ? [f.total] : []), ...f.teams];
  const rows = lines.map((l) => [
    l.scope,
    l.monthToDate,
    l.monthEnd,
    ...l.next.map((n) => n.forecast),
  ]);
  const months = f.total?.next.map((n) => n.month) ?? f.teams[0]?.next.map((n) => n.month) ?? [];
  process.stdout.write(
    `Data to ${f.asOf}; ${f.month} in ${f.currency}. Method: ${f.method}.\n\n${table(
      ['scope', 'month to date', `${f.month} forecast`, ...months],
      rows,
      [1, 2, 3, 4, 5],
    )}\n`,
  );
}
