import { D } from '../gpu/gpu-cost-split.js';
import type { AllocationReport } from '../allocation/allocation-views.js';
import { table } from './format.js';

export function formatAllocation(r: AllocationReport): string {
  const basis = r.basis === 'effective' ? 'EffectiveCost' : 'BilledCost';
  const adjusted = !new D(r.adjustments[r.basis]).isZero();
  const closed = r.closed ? `; closed ${r.closed.at} by ${r.closed.by}` : '';
  return [
    `${r.period} allocation (${basis}), rule set ${r.ruleSet.version} from ${r.ruleSet.effectiveFrom} (${r.ruleSet.origin})${closed}`,
    table(
      ['team', 'cost center', 'business unit', 'direct', 'shared', 'adjustments', 'total'],
      [
        ...r.teams.map((t) => [
          t.team,
          t.costCenter ?? '-',
          t.businessUnit ?? '-',
          t.direct,
          t.shared,
          t.adjustments,
          t.total,
        ]),
        ['total', '', '', '', '', '', r.total],
      ],
      [3, 4, 5, 6],
    ),
    (r.source
      ? `source ${basis}: ${new D(r.source[r.basis]).toFixed(2)} over ${r.source.lines} cost lines`
      : `${basis} of your teams`) +
      (adjusted
        ? `; restatements of closed periods: ${new D(r.adjustments[r.basis]).toFixed(2)}`
        : ''),
  ].join('\n');
}

export interface AllocationPreview {
  period: string;
  current: AllocationReport;
  preview: AllocationReport;
  changes: { team: string; current: string; preview: string; change: string }[];
}

/** Per team: what the rules in force give, what the new rule set would give, and the change. */
export function previewChanges(
  current: AllocationReport,
  preview: AllocationReport,
): AllocationPreview {
  const now = new Map(current.teams.map((t) => [t.team, t.total]));
  const next = new Map(preview.teams.map((t) => [t.team, t.total]));
  const teams = [...new Set([...now.keys(), ...next.keys()])];
  const changes = teams
    .map((team) => {
      const a = new D(now.get(team) ?? 0);
      const b = new D(next.get(team) ?? 0);
      return { team, current: a.toFixed(2), preview: b.toFixed(2), change: b.minus(a).toFixed(2) };
    })
    .sort(
      (x, y) => new D(y.change).abs().cmp(new D(x.change).abs()) || x.team.localeCompare(y.team),
    );
  return { period: current.period, current, preview, changes };
}

export function formatPreview(p: AllocationPreview): string {
  const v = (r: AllocationReport) => `${r.ruleSet.version} (${r.ruleSet.origin})`;
  const sign = (c: string) => (new D(c).gt(0) ? `+${c}` : c);
  return [
    `${p.period}: rule set ${v(p.current)} -> ${v(p.preview)} (${p.current.basis === 'effective' ? 'EffectiveCost' : 'BilledCost'})`,
    table(
      ['team', 'now', 'with new rules', 'change'],
      [
        ...p.changes.map((c) => [c.team, c.current, c.preview, sign(c.change)]),
        [
          'total',
          p.current.total,
          p.preview.total,
          sign(new D(p.preview.total).minus(p.current.total).toFixed(2)),
        ],
      ],
      [1, 2, 3],
    ),
  ].join('\n');
}
