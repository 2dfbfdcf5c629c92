import type { HostResourceIds } from './resource-id-rules.js';
import type { HourBucketView, MetricSpec } from './hourly-aggregator.js';

/** The GPU measurements kept per hour, in aggregator order. */
export const GPU_METRICS = [
  { name: 'gpuUtil', percentile: true },
  { name: 'smActive', percentile: true },
  { name: 'grEngineActive', percentile: true },
  { name: 'fbUsed' },
  { name: 'fbFree' },
  { name: 'fbTotal' },
  { name: 'power' },
] as const satisfies readonly MetricSpec[];

export type GpuMetric = (typeof GPU_METRICS)[number]['name'];
export const GPU_METRIC_INDEX = Object.fromEntries(
  GPU_METRICS.map((m, i) => [m.name, i]),
) as Record<GpuMetric, number>;

/**
 * dcgm-exporter fields this product reads (NVIDIA/dcgm-exporter `etc/default-counters.csv`,
 * `dcp-metrics-included.csv`). GPU_UTIL is % (0–100); the PROF ratios are 0–1; FB in MiB.
 * MIG slices report GR_ENGINE_ACTIVE but not GPU_UTIL.
 */
export const DCGM_FIELDS: Readonly<Record<string, GpuMetric>> = {
  DCGM_FI_DEV_GPU_UTIL: 'gpuUtil',
  DCGM_FI_PROF_SM_ACTIVE: 'smActive',
  DCGM_FI_PROF_GR_ENGINE_ACTIVE: 'grEngineActive',
  DCGM_FI_DEV_FB_USED: 'fbUsed',
  DCGM_FI_DEV_FB_FREE: 'fbFree',
  DCGM_FI_DEV_FB_TOTAL: 'fbTotal',
  DCGM_FI_DEV_POWER_USAGE: 'power',
};

/** One GPU (or MIG slice) as used by one Kubernetes owner, or by nobody in particular. */
export interface GpuSeries {
  host: string;
  gpuUuid: string;
  gpuIndex: string | null;
  model: string | null;
  migProfile: string | null;
  migInstance: string | null;
  namespace: string | null;
  pod: string | null;
  container: string | null;
  workload: string | null;
  team: string | null;
  /** The provider's id of the machine, when a label carries it (e.g. an EC2 instance id). */
  resourceId: string | null;
}

export interface LabelOptions {
  /** Labels that name the owning team, first present wins (e.g. `team`, `label_team`). */
  teamLabels: readonly string[];
  /** A label holding the provider resource id of the node, if the scrape adds one. */
  resourceIdLabel?: string;
  /** Host → resource id rules, used when no label names the id. */
  hostResourceIds?: HostResourceIds;
}

export type SeriesReading = { series: GpuSeries; key: string; missing: string[] };

function first(labels: Record<string, string>, names: readonly string[]): string | null {
  for (const n of names) {
    const v = labels[n];
    if (v !== undefined && v !== '') return v;
  }
  return null;
}

/** Kubernetes' random suffix alphabet (no vowels, no 0/1/3): `k8s.io/apimachinery/pkg/util/rand`. */
const K = '[bcdfghjklmnpqrstvwxz2456789]';
const DEPLOYMENT_POD = new RegExp(`^(.+)-${K}{6,10}-${K}{5}$`);
const GENERATED_POD = new RegExp(`^(.+)-${K}{5}$`);

/**
 * The workload a pod belongs to, from Kubernetes' naming: Deployment pods are
 * `<name>-<pod-template-hash>-<5 chars>`, StatefulSet pods `<name>-<ordinal>`, Job and DaemonSet
 * pods `<name>-<5 chars>`.
 */
export function workloadOf(pod: string): string {
  return (
    DEPLOYMENT_POD.exec(pod)?.[1] ??
    /^(.+)-\d+$/.exec(pod)?.[1] ??
    GENERATED_POD.exec(pod)?.[1] ??
    pod
  );
}

/**
 * Reads a dcgm-exporter series' labels (as scraped, or after Prometheus): `Hostname` before
 * dcgm-exporter PR #655 and `hostname` after, `UUID` (or `uuid`), and the pod labels, which
 * Prometheus renames to `exported_*` when they clash with the target's own. Labels that are
 * missing are listed so the run can report them.
 */
export function gpuSeriesFromLabels(
  labels: Record<string, string>,
  opts: LabelOptions,
): SeriesReading {
  const missing: string[] = [];
  const instance = labels['instance']?.replace(/:\d+$/, '') ?? null;
  const host = first(labels, ['hostname', 'Hostname', 'node', 'kubernetes_node']) ?? instance;
  if (!host) missing.push('hostname');
  const index = first(labels, ['gpu']);
  let uuid = first(labels, ['UUID', 'uuid']);
  if (!uuid) {
    missing.push('UUID');
    uuid = host && index !== null ? `${host}/gpu${index}` : null;
  }
  // Scraped through a Service, a series without exported_* labels still has the target's own
  // pod/namespace (the exporter's): those name no GPU owner.
  const exporterOwn = !labels['exported_pod'] && /dcgm-exporter/.test(labels['pod'] ?? '');
  const owner = (names: string[]) => (exporterOwn ? null : first(labels, names));
  const pod = owner(['exported_pod', 'pod', 'pod_name']);
  const series: GpuSeries = {
    host: host ?? '',
    gpuUuid: uuid ?? '',
    gpuIndex: index,
    model: first(labels, ['modelName', 'model_name']),
    migProfile: first(labels, ['GPU_I_PROFILE']),
    migInstance: first(labels, ['GPU_I_ID']),
    namespace: owner(['exported_namespace', 'namespace', 'pod_namespace']),
    pod,
    container: owner(['exported_container', 'container', 'container_name']),
    workload: pod ? workloadOf(pod) : null,
    team: first(labels, opts.teamLabels),
    resourceId: opts.resourceIdLabel ? first(labels, [opts.resourceIdLabel]) : null,
  };
  if (series.resourceId === null && host && opts.hostResourceIds) {
    series.resourceId = opts.hostResourceIds.of(host);
  }
  return { series, key: seriesKey(series), missing };
}

export function seriesKey(s: GpuSeries): string {
  return [s.host, s.gpuUuid, s.migInstance, s.namespace, s.pod, s.container].join('\u0001');
}

/** One row of gpu_usage: an hour of one GPU (or MIG slice) for one owner. */
export interface GpuUsageRow extends GpuSeries {
  hour: string;
  samples: number;
  coveredSeconds: number;
  gpuUtilAvg: number | null;
  gpuUtilP95: number | null;
  smActiveAvg: number | null;
  smActiveP95: number | null;
  grEngineActiveAvg: number | null;
  grEngineActiveP95: number | null;
  fbUsedAvgMib: number | null;
  fbUsedMaxMib: number | null;
  fbTotalMib: number | null;
  powerAvgW: number | null;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Turns an hour bucket into a row; `sampleSeconds` is the spacing of samples (step or interval). */
export function gpuUsageRow(bucket: HourBucketView<GpuSeries>, sampleSeconds: number): GpuUsageRow {
  const s = (m: GpuMetric) => bucket.stats[GPU_METRIC_INDEX[m]] ?? null;
  const samples = Math.max(...bucket.stats.map((st) => st?.count ?? 0));
  const mean = (m: GpuMetric, d = 4) => {
    const st = s(m);
    return st ? round(st.mean, d) : null;
  };
  const p95 = (m: GpuMetric) => {
    const st = s(m);
    return st ? round(st.p95, 4) : null;
  };
  const used = s('fbUsed');
  const free = s('fbFree');
  const total = s('fbTotal');
  return {
    ...bucket.series,
    hour: new Date(bucket.hour * 1000).toISOString(),
    samples,
    coveredSeconds: Math.min(3600, Math.round(samples * sampleSeconds)),
    gpuUtilAvg: mean('gpuUtil'),
    gpuUtilP95: p95('gpuUtil'),
    smActiveAvg: mean('smActive'),
    smActiveP95: p95('smActive'),
    grEngineActiveAvg: mean('grEngineActive'),
    grEngineActiveP95: p95('grEngineActive'),
    fbUsedAvgMib: mean('fbUsed', 1),
    fbUsedMaxMib: used ? used.max : null,
    fbTotalMib: total
      ? round(total.mean, 0)
      : used && free
        ? round(used.mean + free.mean, 0)
        : null,
    powerAvgW: mean('power', 2),
  };
}
