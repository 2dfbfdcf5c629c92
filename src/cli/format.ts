import type { EfficiencyGroup } from '../gpu/efficiency-rollup.js';
import type { GpuEfficiencyReport } from '../gpu/gpu-efficiency.service.js';
import type { UsageRunResult } from '../ingestion/gpu/usage-import.service.js';
import { CostReport } from '../billing/cost-query.js';
import { PeriodRunResult } from '../ingestion/cloud/cloud-import.service.js';
import { ImportSummary } from '../ingestion/focus-file/focus-file-import.service.js';

/** Plain-text table with left-aligned text and right-aligned amounts. */
export function table(header: string[], rows: string[][], rightAligned: number[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    r
      .map((cell, i) =>
        rightAligned.includes(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!),
      )
      .join('  ')
      .trimEnd();
  return [fmt(header), ...rows.map(fmt)].join('\n');
}

export function formatImport(s: ImportSummary): string {
  const lines = [
    `${s.file}: FOCUS ${s.focusVersion} ${s.format}, source "${s.source}", run ${s.runId}`,
  ];
  if (s.periods.length === 0) {
    lines.push('(no data rows: nothing changed)');
  } else {
    lines.push(
      table(
        ['period', 'rows', 'BilledCost', 'EffectiveCost'],
        s.periods.map((p) => [p.period, String(p.rows), p.billedCost, p.effectiveCost]),
        [1, 2, 3],
      ),
    );
  }
  if (s.rejected.length > 0) {
    lines.push(
      `skipped ${s.rejected.length} invalid row(s):`,
      ...s.rejected.map((r) => `  ${r.text}`),
    );
  }
  for (const [warning, count] of Object.entries(s.warnings)) {
    lines.push(`kept ${count} odd value(s) in extensions: ${warning}`);
  }
  return lines.join('\n');
}

/** One table for the periods of a cloud source run. */
export function formatPeriodRuns(results: readonly PeriodRunResult[]): string {
  if (results.length === 0) return '';
  const head = `source "${results[0]!.source}" (${results[0]!.kind})`;
  return [
    head,
    table(
      ['period', 'status', 'run', 'rows', 'BilledCost', 'EffectiveCost', 'requests'],
      results.map((r) => [
        r.period,
        r.status,
        r.runId === null ? '-' : String(r.runId),
        String(r.rows),
        r.billedCost,
        r.effectiveCost,
        String(r.requests),
      ]),
      [2, 3, 4, 5, 6],
    ),
    ...results.filter((r) => r.message).map((r) => `${r.period}: ${r.message}`),
  ].join('\n');
}

export function formatUsageRuns(results: readonly UsageRunResult[]): string {
  if (results.length === 0) return '';
  return [
    `source "${results[0]!.source}" (${results[0]!.kind})`,
    table(
      ['period', 'status', 'run', 'hours', 'GPU rows', 'node rows', 'samples', 'requests'],
      results.map((r) => [
        r.period,
        r.status,
        r.runId === null ? '-' : String(r.runId),
        r.from && r.to ? `${r.from.slice(0, 13)}..${r.to.slice(0, 13)}` : '-',
        String(r.gpuRows),
        String(r.resourceRows),
        String(r.samples),
        String(r.requests),
      ]),
      [4, 5, 6, 7],
    ),
    ...results.filter((r) => r.message).map((r) => `${r.period}: ${r.message}`),
    ...results.flatMap((r) =>
      Object.entries(r.findings).map(([what, n]) => `  note: ${what}${n > 1 ? ` (${n})` : ''}`),
    ),
  ].join('\n');
}

export function formatGpu(r: GpuEfficiencyReport): string {
  const pct = (v: number | null) => (v === null ? '-' : `${v.toFixed(1)}%`);
  const row = (g: EfficiencyGroup, key: string) => [
    key,
    g.gpuHours,
    g.effectiveCost,
    g.usedCost,
    g.idleCost,
    pct(g.avgUtilization),
    pct(g.p95Utilization),
    g.costPerGpuHour ?? '-',
    g.costPerUsedGpuHour ?? '-',
  ];
  const lines = [
    `${r.period} GPU efficiency${r.groupBy ? ` by ${r.groupBy}` : ''} (EffectiveCost)`,
    table(
      [
        r.groupBy ?? '',
        'GPU-hours',
        'cost',
        'used',
        'idle',
        'avg util',
        'p95 util',
        '$/GPU-h',
        '$/used GPU-h',
      ],
      [...(r.groupBy ? r.groups.map((g) => row(g, g.key ?? '(none)')) : []), row(r.total, 'total')],
      [1, 2, 3, 4, 5, 6, 7, 8],
    ),
  ];
  if (Number(r.unpriced.gpuHours) > 0) {
    lines.push(
      `${r.unpriced.gpuHours} GPU-hours have no matching cost (hosts: ${r.unpriced.hosts.join(', ')})`,
    );
  }
  return lines.join('\n');
}

export function formatCosts(r: CostReport): string {
  const basis = r.basis === 'effective' ? 'EffectiveCost' : 'BilledCost';
  const lines = [`${r.period} ${basis}${r.groupBy ? ` by ${r.groupBy}` : ''}`];
  if (r.groupBy) {
    lines.push(
      table(
        [r.groupBy, 'currency', 'cost', 'rows'],
        r.groups.map((g) => [g.key ?? '(none)', g.currency, g.cost, String(g.rows)]),
        [2, 3],
      ),
    );
  }
  lines.push(...r.totals.map((t) => `total ${t.currency} ${t.cost} (${t.rows} rows)`));
  if (r.totals.length === 0) lines.push('no cost data for this period');
  return lines.join('\n');
}
