import path from 'node:path';
import type { GpuSeries } from './gpu-series.js';
import { HeaderField, NvidiaSmiParseError, parseTimestamp } from './nvidia-smi-csv.js';

/**
 * `nvidia-smi --query-compute-apps=timestamp,gpu_uuid,pid,process_name,used_memory --format=csv`
 * (`timestamp` optional; the header names used_memory `used_gpu_memory [MiB]`): which processes
 * held each GPU. On hosts without Kubernetes this is the owner signal: each process becomes the
 * GPU's owner the way a pod does on the DCGM path.
 */
export function isComputeAppsHeader(cells: readonly string[]): boolean {
  return cells.includes('pid') && cells.includes('process_name') && cells.includes('gpu_uuid');
}

export interface OwnerRule {
  process: string;
  team?: string;
  namespace?: string;
}

/** The owner fields of a GPU series, as the DCGM path fills them from pod labels. */
export type ProcessOwner = Pick<GpuSeries, 'namespace' | 'pod' | 'container' | 'workload' | 'team'>;

const HOUR_MS = 3_600_000;
/** The hour key of processes logged without a timestamp: they held the GPU in every hour. */
const ANY_HOUR = -1;

/** Processes per GPU and hour; owners resolved by the configured rules, first match wins. */
export class GpuProcessOwners {
  private readonly byGpu = new Map<string, Map<number, Map<string, ProcessOwner>>>();
  private readonly rules: { pattern: RegExp; team: string | null; namespace: string | null }[];

  constructor(rules: readonly OwnerRule[]) {
    this.rules = rules.map((r) => ({
      pattern: new RegExp(r.process),
      team: r.team ?? null,
      namespace: r.namespace ?? null,
    }));
  }

  /** One data line of a compute-apps log, read with its header. */
  add(cells: readonly string[], header: readonly HeaderField[], line: number, zone: string): void {
    if (cells.length !== header.length) {
      throw new NvidiaSmiParseError(
        line,
        '(row)',
        `${cells.length} cells where the header has ${header.length}`,
      );
    }
    const cell = (name: string) => {
      const i = header.findIndex((f) => f.name === name);
      return i < 0 ? null : cells[i]!;
    };
    const uuid = cell('gpu_uuid') ?? '';
    if (!/^(GPU|MIG)-[0-9a-f-]+$/i.test(uuid))
      throw new NvidiaSmiParseError(line, 'gpu_uuid', `"${uuid}" is not a GPU UUID`);
    const pid = cell('pid') ?? '';
    if (!/^\d+$/.test(pid)) throw new NvidiaSmiParseError(line, 'pid', `"${pid}" is not a pid`);
    const name = cell('process_name') ?? '';
    const stamp = cell('timestamp');
    const hour =
      stamp === null ? ANY_HOUR : Math.floor(parseTimestamp(stamp, zone, line) / HOUR_MS) * HOUR_MS;
    let hours = this.byGpu.get(uuid);
    if (!hours) this.byGpu.set(uuid, (hours = new Map()));
    let owners = hours.get(hour);
    if (!owners) hours.set(hour, (owners = new Map()));
    if (!owners.has(pid)) owners.set(pid, this.owner(name, pid));
  }

  /** The processes that held `uuid` in the hour of `timeMs`; none when nothing was logged. */
  at(uuid: string, timeMs: number): Iterable<ProcessOwner> {
    const hours = this.byGpu.get(uuid);
    const hour = Math.floor(timeMs / HOUR_MS) * HOUR_MS;
    return (hours?.get(hour) ?? hours?.get(ANY_HOUR) ?? new Map()).values();
  }

  private owner(processName: string, pid: string): ProcessOwner {
    const rule = this.rules.find((r) => r.pattern.test(processName));
    const program = path.posix.basename(processName.replace(/\\/g, '/')) || 'process';
    return {
      namespace: rule?.namespace ?? null,
      pod: `${program}[${pid}]`,
      container: null,
      workload: program,
      team: rule?.team ?? null,
    };
  }
}
