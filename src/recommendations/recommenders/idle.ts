import { catalogProvider, instanceType } from '../../catalog/instance-catalog.js';
import type { RecommendConfig } from '../recommend-config.js';
import type { ResourceInput } from '../inputs.js';
import { cents, perMonth, RecommendationDraft } from '../recommendation.js';

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
    resourceId: r.resourceId,
    resourceName: r.resourceName,
    provider: r.provider,
    region: r.region,
    team: r.team,
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
  const isMachine = !!(provider && instanceType(provider, r.instanceType)) || !!u;
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

const pct = (v: number) => `${Math.round(v * 1000) / 10} %`;
