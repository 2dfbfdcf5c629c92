import type { InstanceCatalog } from '../catalog/instance-catalog.js';
import type { Dec } from '../gpu/gpu-cost-split.js';

/** A machine's CPU and memory over the lookback (from resource_usage; CPU as a fraction 0–1). */
export interface ComputeUsage {
  /** Hours with measurements. */
  hours: number;
  /** 95th percentile over the hours of each hour's p95 CPU. */
  cpuP95: number | null;
  cpuMax: number | null;
  memoryMaxGib: number | null;
  memoryTotalGib: number | null;
  /** The last hour measured. */
  lastSeen: Date;
}

/** One GPU's activity over the lookback (from gpu_usage). */
export interface GpuStats {
  uuid: string;
  model: string | null;
  hours: number;
  /** 95th percentile over the hours of hourly p95 activity (GR engine, else SM, else GPU util). */
  activityP95: number | null;
  /** Which measurement activity comes from; `gpu-util` alone gives low confidence. */
  activitySource: 'gr-engine' | 'sm-active' | 'gpu-util' | null;
  memoryMaxGib: number | null;
  memoryTotalGib: number | null;
  /** Hours a team's workload held the GPU. */
  heldHours: number;
  /** Start of the idle run (no activity) that lasts to the last measured hour; null when busy at the end. */
  idleSince: Date | null;
  /** Highest share of the GPU's memory held in idle hours (a process still holding state). */
  idleMemoryShare: number | null;
  /** The workload that held it last (namespace/pod), if any. */
  workload: string | null;
}

/** Storage use of a bucket or container over the lookback, from its cost lines. */
export interface StorageUse {
  /** Average GB stored (GB-month quantities scaled to a month). */
  storedGb: number;
  /** GB read or transferred out per month. */
  readGbPerMonth: number;
  /** Effective cost of storing (capacity lines only) per month. */
  storageMonthly: Dec;
  /** Effective cost of everything else (requests, transfer) per month. */
  otherMonthly: Dec;
}

/** One billed resource with what is known about it in the lookback window. */
export interface ResourceInput {
  resourceId: string;
  resourceName: string | null;
  provider: string | null;
  region: string | null;
  serviceName: string | null;
  serviceCategory: string | null;
  resourceType: string | null;
  /** SkuPriceDetails.InstanceType, or a catalog type named in the charge description. */
  instanceType: string | null;
  team: string | null;
  tags: Record<string, string>;
  /** EffectiveCost in the window (commitment purchases excluded). */
  effective: Dec;
  /** Of that, on-demand usage (PricingCategory Standard or unset, no commitment). */
  onDemand: Dec;
  /** First charge ever seen and last charge in the window. */
  firstSeen: Date;
  lastSeen: Date;
  /** Charge descriptions and SKU meters seen in the window, lower-cased. */
  meters: string[];
  /** Compute hours billed in the window (ConsumedQuantity in hours). */
  runHours: number;
  usage: ComputeUsage | null;
  gpus: GpuStats[];
  storage: StorageUse | null;
}

export interface RecommendInputs {
  now: Date;
  /** Instance shapes and prices (bundled, with refreshed prices laid over). */
  catalog: InstanceCatalog;
  /** Window length in hours (lookback days x 24). */
  windowHours: number;
  resources: ResourceInput[];
  /** Machines by lower-cased name: when their compute was last billed (for their disks). */
  machinesLastBilled: Map<string, Date>;
  /**
   * Per provider: each hour's on-demand EffectiveCost of commitment-eligible compute (GPU
   * machines included); usage already covered by a commitment is not in it.
   */
  hourlyOnDemand: Map<string, Dec[]>;
}
