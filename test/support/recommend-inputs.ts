import { D } from '../../src/gpu/gpu-cost-split.js';
import type { GpuStats, ResourceInput } from '../../src/recommendations/inputs.js';

/** 14 days of hours: the default lookback. */
export const WINDOW_HOURS = 336;
export const NOW = new Date('2024-09-30T00:00:00Z');

/** A resource billed `hourly` (effective, all on-demand) for the whole window, with overrides. */
export function resource(hourly: string, overrides: Partial<ResourceInput> = {}): ResourceInput {
  const cost = new D(hourly).times(WINDOW_HOURS);
  return {
    resourceId: 'i-0test',
    resourceName: 'test-vm',
    provider: 'AWS',
    region: 'us-east-1',
    serviceName: 'Amazon Elastic Compute Cloud',
    serviceCategory: 'Compute',
    resourceType: 'instance',
    instanceType: null,
    team: 'web',
    tags: {},
    effective: cost,
    onDemand: cost,
    firstSeen: new Date('2024-09-01T00:00:00Z'),
    lastSeen: NOW,
    meters: [],
    runHours: WINDOW_HOURS,
    usage: null,
    gpus: [],
    storage: null,
    ...overrides,
  };
}

export function usage(cpuP95: number, memoryMaxGib: number | null, cpuMax = cpuP95 * 1.2) {
  return {
    hours: WINDOW_HOURS,
    cpuP95,
    cpuMax,
    memoryMaxGib,
    memoryTotalGib: null,
    lastSeen: NOW,
  };
}

export function gpu(overrides: Partial<GpuStats> = {}): GpuStats {
  return {
    uuid: 'GPU-1',
    model: 'NVIDIA A100 80GB PCIe',
    hours: WINDOW_HOURS,
    activityP95: 0.1,
    activitySource: 'gr-engine',
    memoryMaxGib: 12,
    memoryTotalGib: 80,
    heldHours: WINDOW_HOURS,
    idleSince: null,
    idleMemoryShare: 0,
    workload: 'inference/model-0',
    ...overrides,
  };
}
