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
  const hosts = (await ds.query(
    `SELECT host, max(resource_id) AS resource_id,
            (count(DISTINCT (hour, gpu_uuid)) * 3600)::text AS capacity
       FROM gpu_usage WHERE hour >= $1 AND hour < $2 GROUP BY host`,
    [from, to],
  )) as { host: string; resource_id: string | null; capacity: string }[];
  const held = (await ds.query(
    `SELECT host, team, sum(covered_seconds)::text AS seconds
       FROM gpu_usage WHERE hour >= $1 AND hour < $2 AND team IS NOT NULL GROUP BY host, team`,
    [from, to],
  )) as { host: string; team: string; seconds: string }[];
  const nodes = await costNodes(ds, period, hosts);
  const machineOf = new Map<string, string>();
  const out = new Map<string, MachineOwners & { capacity: Dec }>();
  for (const h of hosts) {
    const node = nodes.find((n) => resourceMatchesHost(n.resource_id, machineKeys(h)));
    if (!node) continue;
    machineOf.set(h.host, node.resource_id);
    const m = out.get(node.resource_id) ?? { teams: new Map(), idle: new D(0), capacity: new D(0) };
    m.capacity = m.capacity.plus(h.capacity);
    out.set(node.resource_id, m);
  }
  for (const r of held) {
    const machine = machineOf.get(r.host);
    if (!machine) continue;
    const teams = out.get(machine)!.teams;
    teams.set(r.team, (teams.get(r.team) ?? new D(0)).plus(r.seconds));
  }
  for (const m of out.values()) {
    const total = [...m.teams.values()].reduce((s, v) => s.plus(v), new D(0));
    m.idle = D.max(0, m.capacity.minus(total));
  }
  return new Map([...out].map(([id, m]) => [id, { teams: m.teams, idle: m.idle }]));
}
