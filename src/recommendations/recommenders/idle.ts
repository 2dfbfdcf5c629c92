import { catalogProvider, InstanceCatalog } from '../../catalog/instance-catalog.js';
import type { RecommendConfig } from '../recommend-config.js';
import type { ResourceInput } from '../inputs.js';
import { cents } from '../../billing/money.js';
import { perMonth, RecommendationDraft, about } from '../recommendation.js';

const DAY = 86_400_000;

/** Meters that bill an address nobody uses (AWS idle public IPv4, unassociated static IPs). */
const IDLE_ADDRESS =
  /idle public ipv4|idleaddress|unassociated (static |public )?ip|static ip charge/;
const SNAPSHOT = /snapshot/;
const LOAD_BALANCER = /load balanc/;
/** A load balancer that processes traffic bills it (LCUs, processed bytes, rules, data). */
const LB_TRAFFIC = /lcu|processed|data processing|bytes|rule|gb/;

/**
 * Resources that cost money and do nothing: machines whose CPU never rose above the idle
 * threshold, addresses billed as idle, load balancers billed only by the hour with no traffic,
 * and snapshots older than the retention limit. The saving is the resource's whole effective cost.
 */
export function idleResource(
  r: ResourceInput,
  windowHours: number,
  windowEnd: Date,
  config: RecommendConfig,
  catalog = InstanceCatalog.bundled(),
): RecommendationDraft | null {
  const cfg = config.idle;
  const monthly = perMonth(r.effective, windowHours);
  if (monthly.lt(config.minMonthlySavings)) return null;
  const name = r.resourceName ?? r.resourceId;
  const draft = (
    title: string,
    action: string,
    reason: string,
    evidence: Record<string, unknown>,
  ): RecommendationDraft => ({
    kind: 'idle',
    ...about(r),
    title,
    proposal: { action },
    options: [],
    currentMonthlyCost: cents(monthly),
    monthlySavings: cents(monthly),
    pricing: 'effective cost of the resource',
    risk: action === 'delete-snapshot' ? 'medium' : 'low',
    riskReason: reason,
    evidence: { ...evidence, meters: r.meters.slice(0, 5) },
  });
  const u = r.usage;
  const provider = catalogProvider(r.provider);
  const isMachine = !!(provider && catalog.instanceType(provider, r.instanceType)) || !!u;
  if (
    isMachine &&
    u &&
    r.gpus.length === 0 &&
    u.hours >= config.rightsizing.minHours &&
    u.cpuMax !== null &&
    u.cpuMax < cfg.cpuMax
  )
    return draft(
      `Stop or terminate ${name}: CPU never above ${pct(u.cpuMax)} in ${u.hours} hours`,
      'stop',
      `peak CPU ${pct(u.cpuMax)} is under the idle threshold ${pct(cfg.cpuMax)}; check for scheduled jobs before stopping`,
      { hoursMeasured: u.hours, cpuMax: u.cpuMax, instanceType: r.instanceType },
    );
  if (r.meters.some((m) => IDLE_ADDRESS.test(m)))
    return draft(
      `Release the unused address ${name}`,
      'release-address',
      'billed as an idle (unassociated) address',
      {},
    );
  if (r.meters.some((m) => SNAPSHOT.test(m)) || /snapshot/i.test(r.resourceType ?? '')) {
    const ageDays = (windowEnd.getTime() - r.firstSeen.getTime()) / DAY;
    if (ageDays > cfg.snapshotMaxAgeDays)
      return draft(
        `Delete snapshot ${name}: billed for ${Math.floor(ageDays)} days`,
        'delete-snapshot',
        `older than ${cfg.snapshotMaxAgeDays} days; confirm no restore or compliance need first`,
        { firstBilled: r.firstSeen.toISOString(), ageDays: Math.floor(ageDays) },
      );
  }
  if (
    LOAD_BALANCER.test((r.serviceName ?? '').toLowerCase()) &&
    !r.meters.some((m) => LB_TRAFFIC.test(m))
  )
    return draft(
      `Delete the idle load balancer ${name}`,
      'delete-load-balancer',
      'billed only for its hours, with no processed traffic in the lookback',
      {},
    );
  return null;
}

/** Azure's default disk names carry their VM's: `<vm>_OsDisk_1_<guid>`, `<vm>_DataDisk_0`, `<vm>_disk2_<guid>`. */
const AZURE_DISK = /^(.+?)_(osdisk|datadisk|disk\d*)(_|$)/i;
/** A GCE disk (`…/disks/<name>`); a boot disk is named after its instance. */
const GCE_DISK = /\/disks\/([^/]+)$/i;

/**
 * Disks whose machine stopped running (deallocated, stopped or deleted) while the disk is still
 * billed: Azure disks by their default name, GCE boot disks by their instance's name. The
 * machine must have been billed in the window and not in its last `idle.stoppedDays` days
 * (an Azure disk named after a machine never billed in the window counts as orphaned too).
 */
export function orphanedDisk(
  r: ResourceInput,
  machinesLastBilled: ReadonlyMap<string, Date>,
  windowHours: number,
  windowEnd: Date,
  config: RecommendConfig,
): RecommendationDraft | null {
  const monthly = perMonth(r.effective, windowHours);
  if (monthly.lt(config.minMonthlySavings)) return null;
  const name = r.resourceName ?? r.resourceId.split('/').pop()!;
  const azure =
    /microsoft|azure/i.test(r.provider ?? '') && /disk/i.test(`${r.resourceType} ${r.resourceId}`)
      ? AZURE_DISK.exec(name)?.[1]
      : undefined;
  const gce = /google|gcp/i.test(r.provider ?? '') ? GCE_DISK.exec(r.resourceId)?.[1] : undefined;
  const machine = (azure ?? gce)?.toLowerCase();
  if (!machine) return null;
  const last = machinesLastBilled.get(machine);
  if (!last && !azure) return null;
  const stoppedDays = last ? (windowEnd.getTime() - last.getTime()) / DAY : null;
  if (stoppedDays !== null && stoppedDays < config.idle.stoppedDays) return null;
  return {
    kind: 'idle',
    ...about(r),
    title: last
      ? `Snapshot and delete disk ${name}: its machine ${machine} has not run for ${Math.floor(stoppedDays!)} days`
      : `Snapshot and delete disk ${name}: its machine ${machine} is not billed any more`,
    proposal: { action: 'delete-disk' },
    options: [],
    currentMonthlyCost: cents(monthly),
    monthlySavings: cents(monthly),
    pricing: 'effective cost of the disk (a snapshot kept instead costs a fraction of it)',
    risk: 'medium',
    riskReason:
      'the machine is stopped or deleted but its disk is still billed; keep a snapshot if the data may be needed',
    evidence: {
      machine,
      machineLastBilled: last?.toISOString() ?? null,
      meters: r.meters.slice(0, 5),
    },
  };
}

const pct = (v: number) => `${Math.round(v * 1000) / 10} %`;
