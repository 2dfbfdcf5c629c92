import type { DataSource } from 'typeorm';
import { periodRange } from '../billing/billing-period.js';
import { D, Dec } from './gpu-cost-split.js';
import { hostKeys, resourceMatchesHost } from './host-keys.js';

/** A GPU machine's cost line facts (one row per ResourceId that GPU usage points at). */
export interface CostNode {
  resource_id: string;
  gpu_count: string | null;
  instance_type: string | null;
  team: string | null;
}

/**
 * The keys a machine is looked up by among ResourceIds: the id its usage rows carry (from a label
 * or a source's resourceIdRules; a bare instance id matches an ARN ending in it), else its host.
 */
export function machineKeys(h: { host: string; resource_id: string | null }): string[] {
  return h.resource_id ? [h.resource_id.toLowerCase()] : hostKeys(h.host);
}

/** The period's cost resources that the given GPU hosts are (matched by machineKeys). */
export async function costNodes(
  ds: DataSource,
  period: string,
  hosts: { host: string; resource_id: string | null }[],
): Promise<CostNode[]> {
  if (hosts.length === 0) return [];
  const keys = [...new Set(hosts.flatMap(machineKeys))];
  return (await ds.query(
    `SELECT resource_id, max(sku_price_details->>'GpuCount') AS gpu_count,
            max(sku_price_details->>'InstanceType') AS instance_type,
            max(coalesce(tags->>'team', tags->>'Team')) AS team
       FROM cost_record
      WHERE billing_period = $1 AND resource_id IS NOT NULL
        AND (lower(resource_id) = ANY($2)
             OR EXISTS (SELECT 1 FROM unnest($2::text[]) k WHERE lower(resource_id) LIKE '%/' || k))
      GROUP BY resource_id`,
    [`${period}-01`, keys],
  )) as CostNode[];
}

/** Who held a GPU machine's GPUs in a period, in GPU-seconds, and how much nobody held. */
export interface MachineOwners {
  /** Team → GPU-seconds its workloads held on the machine. */
  teams: Map<string, Dec>;
  /** GPU-seconds the machine reported with no team's workload on them. */
  idle: Dec;
}

/**
 * Per cost ResourceId of a GPU machine with usage in the period: GPU-seconds held per owner team
 * (from pod/namespace ownership in GPU usage) and the idle rest of the GPU-seconds it reported
 * (each GPU seen in an hour counts 3,600; rows with no team count as idle).
 */
export async function gpuMachineOwners(
  ds: DataSource,
  period: string,
): Promise<Map<string, MachineOwners>> {
  const { from, to } = periodRange(period);
  const rows = (await ds.query(
    `WITH u AS (
       SELECT host, max(resource_id) OVER (PARTITION BY host) AS resource_id, hour, gpu_uuid,
              team, covered_seconds
         FROM gpu_usage WHERE hour >= $1 AND hour < $2)
     SELECT host, max(resource_id) AS resource_id, team, sum(covered_seconds)::text AS held,
            (SELECT count(DISTINCT (v.hour, v.gpu_uuid)) * 3600 FROM u v WHERE v.host = u.host)::text
              AS capacity
       FROM u GROUP BY host, team`,
    [from, to],
  )) as {
    host: string;
    resource_id: string | null;
    team: string | null;
    held: string;
    capacity: string;
  }[];
  const hosts = new Map<string, { host: string; resource_id: string | null }>();
  for (const r of rows) hosts.set(r.host, { host: r.host, resource_id: r.resource_id });
  const nodes = await costNodes(ds, period, [...hosts.values()]);
  const out = new Map<string, MachineOwners & { capacity: Dec }>();
  for (const r of rows) {
    const node = nodes.find((n) =>
      resourceMatchesHost(n.resource_id, machineKeys(hosts.get(r.host)!)),
    );
    if (!node) continue;
    const m = out.get(node.resource_id) ?? { teams: new Map(), idle: new D(0), capacity: new D(0) };
    if (r.team) m.teams.set(r.team, (m.teams.get(r.team) ?? new D(0)).plus(r.held));
    if (!out.has(node.resource_id)) m.capacity = m.capacity.plus(r.capacity);
    out.set(node.resource_id, m);
  }
  for (const m of out.values()) {
    const held = [...m.teams.values()].reduce((s, v) => s.plus(v), new D(0));
    m.idle = D.max(0, m.capacity.minus(held));
  }
  return new Map([...out].map(([id, m]) => [id, { teams: m.teams, idle: m.idle }]));
}
