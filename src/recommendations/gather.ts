import type { DataSource } from 'typeorm';
import { EFFECTIVE_SQL } from '../allocation/allocation-sql.js';
import type { AllocationService } from '../allocation/allocation.service.js';
import { billedThrough } from '../billing/billed-through.js';
import { shiftPeriod } from '../billing/billing-period.js';
import { D, Dec } from '../gpu/gpu-cost-split.js';
import { machineKeys } from '../gpu/gpu-machines.js';
import type { InstanceCatalog } from '../catalog/instance-catalog.js';
import type { RecommendConfig } from './recommend-config.js';
import type { ComputeUsage, GpuStats, RecommendInputs, ResourceInput } from './inputs.js';

const HOUR = 3_600_000;
const GIB = 1024 ** 3;

/** Each line's share of the window: its cost spread evenly over its charge period. */
const OVERLAP = `greatest(0, extract(epoch FROM least(charge_period_end, $2) - greatest(charge_period_start, $1)))
  / nullif(extract(epoch FROM charge_period_end - charge_period_start), 0)`;
/** Lines of the window ($1, $2), through the billing periods ($3) it touches. */
const IN_WINDOW = `billing_period = ANY($3::date[]) AND charge_period_end > $1 AND charge_period_start < $2
  AND charge_period_end > charge_period_start`;
/** On-demand usage: no commitment, standard pricing (not spot, not committed). */
const ON_DEMAND = `charge_category = 'Usage' AND commitment_discount_id IS NULL
  AND coalesce(pricing_category, 'Standard') = 'Standard'`;
const RUN_HOURS = `consumed_unit ~* '^h(ou)?rs?$' AND service_category = 'Compute'`;
const GB_MONTHS = `pricing_unit ~* '^(gb|gib)[- ]?(mo|month)'`;
const READ_GB = `pricing_unit ~* '^(gb|gib)$' AND lower(coalesce(charge_description, '')) ~ '(transfer|retrieval|egress|data out|read)'`;

/** The window recommendations look at: the lookback up to the end of the billed data (or now). */
export async function recommendationWindow(
  ds: DataSource,
  now: Date,
  lookbackDays: number,
): Promise<{ from: Date; to: Date } | null> {
  const last = await billedThrough(ds, now);
  if (!last) return null;
  const end = Math.floor(last.getTime() / HOUR) * HOUR;
  return { from: new Date(end - lookbackDays * 24 * HOUR), to: new Date(end) };
}

function periodsOf(from: Date, to: Date): string[] {
  const out: string[] = [];
  const last = new Date(to.getTime() - 1).toISOString().slice(0, 7);
  for (let p = from.toISOString().slice(0, 7); p <= last; p = shiftPeriod(p, 1))
    out.push(`${p}-01`);
  return out;
}

/**
 * Everything the recommenders read, gathered with set-based queries: per billed resource its
 * effective and on-demand cost in the window, meters, storage use and owner team; per machine
 * its CPU/memory and per GPU its activity and memory; per provider the hourly on-demand spend of
 * compute. Amounts stay exact decimals; measurements are numbers.
 */
export async function gatherInputs(
  ds: DataSource,
  allocation: AllocationService,
  config: RecommendConfig,
  window: { from: Date; to: Date },
  catalog: InstanceCatalog,
): Promise<RecommendInputs> {
  const { from, to } = window;
  const windowHours = (to.getTime() - from.getTime()) / HOUR;
  const periods = periodsOf(from, to);
  const params = [from, to, periods];
  const rows = (await ds.query(
    `SELECT resource_id, max(resource_name) AS resource_name, max(provider_name) AS provider,
            max(region_id) AS region, max(service_name) AS service_name,
            max(service_category) AS service_category, max(resource_type) AS resource_type,
            max(sku_price_details ->> 'InstanceType') AS instance_type,
            (array_agg(tags) FILTER (WHERE tags IS NOT NULL))[1] AS tags,
            sum((${EFFECTIVE_SQL}) * ${OVERLAP})::text AS effective,
            coalesce(sum(effective_cost * ${OVERLAP}) FILTER (WHERE ${ON_DEMAND}), 0)::text AS on_demand,
            min(charge_period_start) AS first_seen, max(charge_period_end) AS last_seen,
            array_agg(DISTINCT lower(coalesce(charge_description, sku_meter, '')))
              FILTER (WHERE coalesce(charge_description, sku_meter) IS NOT NULL) AS meters,
            coalesce(sum(pricing_quantity * ${OVERLAP}) FILTER (WHERE ${GB_MONTHS}), 0)::float8 AS gb_months,
            coalesce(sum(pricing_quantity * ${OVERLAP}) FILTER (WHERE ${READ_GB}), 0)::float8 AS read_gb,
            coalesce(sum(consumed_quantity * ${OVERLAP}) FILTER (WHERE ${RUN_HOURS}), 0)::float8 AS run_hours,
            coalesce(sum(effective_cost * ${OVERLAP}) FILTER (WHERE ${GB_MONTHS}), 0)::text AS storage_cost
       FROM cost_record
      WHERE ${IN_WINDOW} AND resource_id IS NOT NULL
      GROUP BY resource_id`,
    params,
  )) as ResourceRow[];
  const snapshots = rows.filter((r) => (r.meters ?? []).some((m) => m.includes('snapshot')));
  const firstSeen = await firstCharges(
    ds,
    snapshots.map((r) => r.resource_id),
  );
  const teams = await allocation.resourceTeams(
    new Date(to.getTime() - 1).toISOString().slice(0, 7),
  );
  const index = new ResourceIndex(rows.map((r) => r.resource_id));
  const usage = await machineUsage(ds, from, to, index);
  const gpus = await gpuStats(ds, from, to, index, config);
  const resources: ResourceInput[] = rows.map((r) => {
    const effective = new D(r.effective);
    const storageMonthly = new D(r.storage_cost).times(730).div(windowHours);
    const storedGb = (r.gb_months * 730) / windowHours;
    return {
      resourceId: r.resource_id,
      resourceName: r.resource_name,
      provider: r.provider,
      region: r.region,
      serviceName: r.service_name,
      serviceCategory: r.service_category,
      resourceType: r.resource_type,
      instanceType: r.instance_type,
      team: teams.get(r.resource_id) ?? null,
      tags: stringTags(r.tags),
      effective,
      onDemand: new D(r.on_demand),
      firstSeen: firstSeen.get(r.resource_id) ?? r.first_seen,
      lastSeen: r.last_seen,
      meters: r.meters ?? [],
      runHours: r.run_hours,
      usage: usage.get(r.resource_id) ?? null,
      gpus: gpus.get(r.resource_id) ?? [],
      storage:
        storedGb > 0
          ? {
              storedGb,
              readGbPerMonth: (r.read_gb * 730) / windowHours,
              storageMonthly,
              otherMonthly: effective.times(730).div(windowHours).minus(storageMonthly),
            }
          : null,
    };
  });
  const machinesLastBilled = new Map<string, Date>();
  for (const r of resources)
    if (r.serviceCategory === 'Compute' && (r.instanceType || r.usage)) {
      const name = (r.resourceName ?? r.resourceId.split('/').pop()!).toLowerCase();
      const seen = machinesLastBilled.get(name);
      if (!seen || seen < r.lastSeen) machinesLastBilled.set(name, r.lastSeen);
    }
  return {
    now: to,
    catalog,
    windowHours,
    resources,
    machinesLastBilled,
    hourlyOnDemand: await hourlyOnDemand(ds, params, windowHours),
  };
}

interface ResourceRow {
  resource_id: string;
  resource_name: string | null;
  provider: string | null;
  region: string | null;
  service_name: string | null;
  service_category: string | null;
  resource_type: string | null;
  instance_type: string | null;
  tags: Record<string, unknown> | null;
  effective: string;
  on_demand: string;
  first_seen: Date;
  last_seen: Date;
  meters: string[] | null;
  gb_months: number;
  read_gb: number;
  run_hours: number;
  storage_cost: string;
}

function stringTags(tags: Record<string, unknown> | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
}

async function firstCharges(ds: DataSource, ids: string[]): Promise<Map<string, Date>> {
  if (ids.length === 0) return new Map();
  const rows = (await ds.query(
    `SELECT resource_id, min(charge_period_start) AS first FROM cost_record
      WHERE resource_id = ANY($1) GROUP BY resource_id`,
    [ids],
  )) as { resource_id: string; first: Date }[];
  return new Map(rows.map((r) => [r.resource_id, r.first]));
}

/** Finds the billed resource a usage host is (its id, an ARN ending in it, a VM named like it). */
class ResourceIndex {
  private readonly byKey = new Map<string, string>();
  constructor(ids: readonly string[]) {
    for (const id of ids) {
      const lower = id.toLowerCase();
      this.byKey.set(lower, id);
      for (let i = lower.indexOf('/'); i >= 0; i = lower.indexOf('/', i + 1))
        if (!this.byKey.has(lower.slice(i + 1))) this.byKey.set(lower.slice(i + 1), id);
    }
  }
  find(h: { host: string; resource_id: string | null }): string | undefined {
    for (const k of machineKeys(h)) {
      const id = this.byKey.get(k);
      if (id) return id;
    }
    return undefined;
  }
}

async function machineUsage(
  ds: DataSource,
  from: Date,
  to: Date,
  index: ResourceIndex,
): Promise<Map<string, ComputeUsage>> {
  const rows = (await ds.query(
    `SELECT host, max(resource_id) AS resource_id, count(*)::int AS hours,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY cpu_p95) AS cpu_p95,
            max(cpu_max) AS cpu_max, max(memory_used_max_bytes) AS mem_max,
            max(memory_total_bytes) AS mem_total, max(hour) AS last
       FROM resource_usage WHERE hour >= $1 AND hour < $2 GROUP BY host`,
    [from, to],
  )) as {
    host: string;
    resource_id: string | null;
    hours: number;
    cpu_p95: number | null;
    cpu_max: number | null;
    mem_max: number | null;
    mem_total: number | null;
    last: Date;
  }[];
  const out = new Map<string, ComputeUsage>();
  for (const r of rows) {
    const id = index.find(r);
    if (!id) continue;
    out.set(id, {
      hours: r.hours,
      cpuP95: r.cpu_p95,
      cpuMax: r.cpu_max,
      memoryMaxGib: r.mem_max === null ? null : r.mem_max / GIB,
      memoryTotalGib: r.mem_total === null ? null : r.mem_total / GIB,
      lastSeen: r.last,
    });
  }
  return out;
}

async function gpuStats(
  ds: DataSource,
  from: Date,
  to: Date,
  index: ResourceIndex,
  config: RecommendConfig,
): Promise<Map<string, GpuStats[]>> {
  const activity = `coalesce(gr_engine_active_p95, sm_active_p95, gpu_util_p95 / 100)`;
  const rows = (await ds.query(
    `SELECT host, gpu_uuid, max(resource_id) AS resource_id, max(model) AS model,
            count(DISTINCT hour)::int AS hours,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY ${activity}) AS activity_p95,
            CASE WHEN bool_or(gr_engine_active_p95 IS NOT NULL) THEN 'gr-engine'
                 WHEN bool_or(sm_active_p95 IS NOT NULL) THEN 'sm-active'
                 WHEN bool_or(gpu_util_p95 IS NOT NULL) THEN 'gpu-util' END AS activity_source,
            max(fb_used_max_mib) / 1024 AS mem_max, max(fb_total_mib) / 1024 AS mem_total,
            (coalesce(sum(covered_seconds) FILTER (WHERE team IS NOT NULL), 0) / 3600.0)::float8 AS held_hours,
            min(hour) AS first, max(hour) AS last,
            max(hour) FILTER (WHERE ${activity} >= $3) AS last_busy,
            max(fb_used_max_mib / nullif(fb_total_mib, 0)) FILTER (WHERE ${activity} < $3) AS idle_memory,
            (array_agg(namespace || '/' || pod ORDER BY hour DESC) FILTER (WHERE pod IS NOT NULL))[1] AS workload
       FROM gpu_usage WHERE hour >= $1 AND hour < $2 GROUP BY host, gpu_uuid`,
    [from, to, config.gpu.idleActivity],
  )) as {
    host: string;
    gpu_uuid: string;
    resource_id: string | null;
    model: string | null;
    hours: number;
    activity_p95: number | null;
    activity_source: GpuStats['activitySource'];
    mem_max: number | null;
    mem_total: number | null;
    held_hours: number;
    first: Date;
    last: Date;
    last_busy: Date | null;
    idle_memory: number | null;
    workload: string | null;
  }[];
  const out = new Map<string, GpuStats[]>();
  for (const r of rows) {
    const id = index.find(r);
    if (!id) continue;
    const idleSince =
      r.last_busy === null
        ? r.first
        : r.last_busy.getTime() < r.last.getTime()
          ? new Date(r.last_busy.getTime() + HOUR)
          : null;
    const list = out.get(id) ?? [];
    list.push({
      uuid: r.gpu_uuid,
      model: r.model,
      hours: r.hours,
      activityP95: r.activity_p95,
      activitySource: r.activity_source,
      memoryMaxGib: r.mem_max,
      memoryTotalGib: r.mem_total,
      heldHours: Math.round(r.held_hours * 10) / 10,
      idleSince,
      idleMemoryShare: r.idle_memory,
      workload: r.workload,
    });
    out.set(id, list);
  }
  return out;
}

/** Per provider, each hour of the window: on-demand compute spend (lines spread over their hours). */
async function hourlyOnDemand(
  ds: DataSource,
  params: unknown[],
  windowHours: number,
): Promise<Map<string, Dec[]>> {
  const rows = (await ds.query(
    `WITH lines AS (
       SELECT provider_name AS provider, effective_cost AS cost,
              greatest(charge_period_start, $1) AS s, least(charge_period_end, $2) AS e,
              charge_period_start AS cs, extract(epoch FROM charge_period_end - charge_period_start) AS secs
         FROM cost_record
        WHERE ${IN_WINDOW} AND ${ON_DEMAND} AND service_category = 'Compute' AND effective_cost <> 0)
     SELECT provider, ((extract(epoch FROM h - $1::timestamptz) / 3600))::int AS slot,
            sum(cost * extract(epoch FROM least(h + interval '1 hour', e) - greatest(h, s)) / secs)::text AS cost
       FROM lines CROSS JOIN LATERAL
            generate_series(date_trunc('hour', s), e - interval '1 microsecond', interval '1 hour') AS h
      GROUP BY provider, slot`,
    params,
  )) as { provider: string; slot: number; cost: string }[];
  const out = new Map<string, Dec[]>();
  for (const r of rows) {
    if (!out.has(r.provider))
      out.set(
        r.provider,
        Array.from({ length: windowHours }, () => new D(0)),
      );
    const series = out.get(r.provider)!;
    if (r.slot >= 0 && r.slot < windowHours) series[r.slot] = new D(r.cost);
  }
  return out;
}
