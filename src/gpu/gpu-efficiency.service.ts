import { Injectable } from '@nestjs/common';
import { periodRange } from '../billing/billing-period.js';
import { costNodes, machineKeys } from './gpu-machines.js';
import { DataSource } from 'typeorm';
import { TeamScope } from '../auth/team-scope.js';
import { gpuInstanceType, gpuModelOf, migShare } from '../catalog/gpu-catalog.js';
import { D, Dec, OwnerHour, splitGpuHour, UnitHour } from './gpu-cost-split.js';
import { Attribution, EfficiencyGroup, EfficiencyRollup, GpuGroupBy } from './efficiency-rollup.js';
import { resourceMatchesHost } from './host-keys.js';
import { NODE_HOUR_COST_SQL } from './node-hour-cost.sql.js';

export interface GpuEfficiencyReport {
  period: string;
  groupBy: GpuGroupBy | null;
  groups: EfficiencyGroup[];
  total: EfficiencyGroup;
  /** GPU-hours measured on machines with no matching cost (unknown host, or no cost that hour). */
  unpriced: { gpuHours: string; hosts: string[] };
  /** How each measured machine was matched to a FOCUS ResourceId. */
  nodes: { host: string; resourceId: string | null; gpus: number; gpuCountFrom: string }[];
}

interface HostRow {
  host: string;
  resource_id: string | null;
  cluster: string;
  gpus_seen: number;
  /** Teams whose workloads the machine ran in the period. */
  teams: string[];
}

interface UsageRow {
  hour: Date;
  gpu_uuid: string;
  model: string | null;
  mig_profile: string | null;
  mig_instance: string | null;
  namespace: string | null;
  pod: string | null;
  team: string | null;
  covered_seconds: number;
  gpu_util_avg: number | null;
  gr_engine_active_avg: number | null;
}

/**
 * What GPU-hours cost and how much of it did work: joins hourly GPU usage to the effective cost
 * of the machine the GPUs sit in, splits each GPU-hour into used and idle cost per owner
 * (splitGpuHour) and rolls the parts up by team, cluster (usage source), model or namespace.
 */
@Injectable()
export class GpuEfficiencyService {
  constructor(private readonly dataSource: DataSource) {}

  async report(
    period: string,
    groupBy: GpuGroupBy | null,
    scope: TeamScope,
  ): Promise<GpuEfficiencyReport> {
    const { from, to } = periodRange(period);
    const hosts = (await this.dataSource.query(
      `SELECT g.host, max(g.resource_id) AS resource_id, max(s.name) AS cluster,
              count(DISTINCT g.gpu_uuid)::int AS gpus_seen,
              coalesce(array_agg(DISTINCT g.team) FILTER (WHERE g.team IS NOT NULL), '{}') AS teams
         FROM gpu_usage g JOIN billing_source s ON s.id = g.source_id
        WHERE g.hour >= $1 AND g.hour < $2 GROUP BY g.host ORDER BY g.host`,
      [from, to],
    )) as HostRow[];
    const nodes = await costNodes(this.dataSource, period, hosts);
    const hourCosts = await this.nodeHourCosts(
      period,
      nodes.map((n) => n.resource_id),
    );
    const rollup = new EfficiencyRollup(groupBy);
    const inScope = (team: string | null) =>
      scope.kind === 'all' || (team !== null && scope.teams.includes(team));
    let unpricedHours = 0;
    const unpricedHosts = new Set<string>();
    const nodeViews: GpuEfficiencyReport['nodes'] = [];

    for (const h of hosts) {
      const node = nodes.find((n) => resourceMatchesHost(n.resource_id, machineKeys(h)));
      if (!machineInScope(scope, h, node)) continue;
      const usage = (await this.dataSource.query(
        `SELECT hour, gpu_uuid, model, mig_profile, mig_instance, namespace, pod, team,
                covered_seconds, gpu_util_avg, gr_engine_active_avg
           FROM gpu_usage WHERE host = $1 AND hour >= $2 AND hour < $3 ORDER BY hour, gpu_uuid`,
        [h.host, from, to],
      )) as UsageRow[];
      const catalogType = node?.instance_type ? gpuInstanceType(node.instance_type) : undefined;
      const gpus = node?.gpu_count
        ? Number(node.gpu_count)
        : (catalogType?.gpuCount ?? h.gpus_seen);
      nodeViews.push({
        host: h.host,
        resourceId: node?.resource_id ?? null,
        gpus,
        gpuCountFrom: node?.gpu_count
          ? 'SkuPriceDetails.GpuCount'
          : catalogType
            ? `catalog (${catalogType.instanceType})`
            : 'GPUs seen',
      });
      const costs = hourCosts.get(node?.resource_id ?? '') ?? new Map<number, Dec>();
      const byHour = new Map<number, UsageRow[]>();
      for (const row of usage) {
        const t = row.hour.getTime();
        (byHour.get(t) ?? byHour.set(t, []).get(t)!).push(row);
      }
      const hoursToDo = new Set([...byHour.keys(), ...costs.keys()]);
      for (const t of [...hoursToDo].sort((a, b) => a - b)) {
        const rows = byHour.get(t) ?? [];
        const cost = costs.get(t);
        const modelName = rows[0]?.model ?? catalogType?.model.model ?? null;
        const model = (modelName && gpuModelOf(modelName)?.model) ?? modelName;
        const base: Attribution = {
          team: node?.team ?? null,
          cluster: h.cluster,
          model,
          namespace: null,
        };
        if (cost === undefined) {
          unpricedHours += new Set(rows.map((r) => r.gpu_uuid)).size;
          unpricedHosts.add(h.host);
          continue;
        }
        const perGpu = gpuShares(cost, gpus);
        const byGpu = new Map<string, UsageRow[]>();
        for (const r of rows)
          (byGpu.get(r.gpu_uuid) ?? byGpu.set(r.gpu_uuid, []).get(r.gpu_uuid)!).push(r);
        let g = 0;
        for (const gpuRows of byGpu.values()) {
          if (g >= perGpu.length) break; // more GPUs reported than the machine has: data says more
          const split = splitGpuHour(perGpu[g++]!, units(gpuRows));
          for (const o of split.owners) {
            const r = o.owner;
            const who: Attribution = r
              ? { team: r.team ?? base.team, cluster: h.cluster, model, namespace: r.namespace }
              : base;
            if (inScope(who.team)) rollup.addOwner(who, o);
          }
          const held = split.owners.reduce((s, o) => s + (o.owner ? o.gpuHours : 0), 0);
          const unheld = Math.max(
            0,
            1 - held - split.owners.reduce((s, o) => s + (o.owner ? 0 : o.gpuHours), 0),
          );
          if (inScope(base.team)) rollup.addUnallocated(base, unheld, split.unallocatedIdle);
        }
        // GPUs of the machine that reported nothing this hour: their cost is idle.
        for (; g < perGpu.length; g++)
          if (inScope(base.team)) rollup.addUnallocated(base, 1, perGpu[g]!);
      }
    }
    return {
      period,
      groupBy,
      ...rollup.result(),
      unpriced: { gpuHours: unpricedHours.toFixed(2), hosts: [...unpricedHosts] },
      nodes: nodeViews,
    };
  }

  /** Per machine, its EffectiveCost per hour (epoch ms) of the period: one query for all. */
  private async nodeHourCosts(
    period: string,
    resourceIds: string[],
  ): Promise<Map<string, Map<number, Dec>>> {
    const rows = (await this.dataSource.query(NODE_HOUR_COST_SQL, [
      `${period}-01`,
      resourceIds,
    ])) as { resource_id: string; hour: Date; cost: string }[];
    const byNode = new Map<string, Map<number, Dec>>();
    for (const r of rows) {
      const hours =
        byNode.get(r.resource_id) ?? byNode.set(r.resource_id, new Map()).get(r.resource_id)!;
      hours.set(r.hour.getTime(), new D(r.cost));
    }
    return byNode;
  }
}

/**
 * A lead's GPU machines: those whose workloads in the period include one of their teams' (usage
 * rows naming the team), and those whose cost line is their team's (its `team` tag). Only these
 * machines are listed, and on them only their teams' use and the idle cost their teams carry.
 */
function machineInScope(scope: TeamScope, h: HostRow, node: { team: string | null } | undefined) {
  if (scope.kind === 'all') return true;
  const mine = (team: string | null) => team !== null && scope.teams.includes(team);
  return h.teams.some(mine) || mine(node?.team ?? null);
}

/** A machine-hour's cost in equal GPU shares; the last takes the rounding remainder. */
function gpuShares(cost: Dec, gpus: number): Dec[] {
  const n = Math.max(1, gpus);
  const each = cost.div(n).toDecimalPlaces(12);
  const shares = Array.from({ length: n }, () => each);
  shares[n - 1] = cost.minus(each.times(n - 1));
  return shares;
}

/** A GPU's rows for one hour as split units: the whole GPU, or one unit per MIG slice. */
function units(rows: readonly UsageRow[]): UnitHour<UsageRow>[] {
  const bySlice = new Map<string | null, UsageRow[]>();
  for (const r of rows)
    (bySlice.get(r.mig_instance) ?? bySlice.set(r.mig_instance, []).get(r.mig_instance)!).push(r);
  return [...bySlice.entries()].map(([slice, sliceRows]) => {
    const model = sliceRows[0]!.model ? gpuModelOf(sliceRows[0]!.model) : undefined;
    const profile = sliceRows[0]!.mig_profile;
    return {
      share: slice === null || !profile ? 1 : (migShare(profile, model) ?? 1),
      owners: sliceRows.map((r): OwnerHour<UsageRow> => ({
        owner: r.pod ? r : null,
        presence: r.covered_seconds / 3600,
        activity: r.gr_engine_active_avg ?? (r.gpu_util_avg === null ? 0 : r.gpu_util_avg / 100),
      })),
    };
  });
}
