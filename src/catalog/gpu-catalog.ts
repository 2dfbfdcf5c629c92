import { lazy, referenceTable } from './reference-table.js';

/** A MIG profile (`3g.40gb`): how many of it fit on one GPU and what slice of the GPU it is. */
export interface MigProfile {
  name: string;
  maxInstances: number;
  computeSlices: number;
  memoryGb: number;
}

export interface GpuModel {
  /** Catalog id, e.g. `H100-80GB`. */
  model: string;
  vendor: string;
  architecture: string;
  memoryGb: number;
  migProfiles: MigProfile[];
  /** Compute slices of the whole GPU (7 on A100/H100/H200, 4 on A30); 1 without MIG. */
  computeSlices: number;
  /**
   * Throughput relative to an A100 (dense FP16 tensor peak; coarse): how busy a workload would
   * be on another model is its activity here x this / the other's.
   */
  relativeThroughput: number;
}

export interface GpuInstanceType {
  provider: string;
  instanceType: string;
  model: GpuModel;
  gpuCount: number;
}

const MIG_NAME = /^(\d+)g\.(\d+)gb/i;

function migProfiles(spec: string): MigProfile[] {
  if (!spec) return [];
  return spec.split(';').map((entry) => {
    const [name, max] = entry.split(':');
    const m = MIG_NAME.exec(name!);
    if (!m || !max) throw new Error(`gpu-models.csv: bad MIG profile "${entry}"`);
    return {
      name: name!,
      maxInstances: Number(max),
      computeSlices: Number(m[1]),
      memoryGb: Number(m[2]),
    };
  });
}

/** Bundled GPU models (`reference-data/gpu-models.csv`), in match order: specific before general. */
const models = lazy(() =>
  referenceTable('gpu-models.csv').map(
    ([model, vendor, architecture, memory, pattern, mig, throughput]) => {
      const profiles = migProfiles(mig ?? '');
      return {
        entry: {
          model: model!,
          vendor: vendor!,
          architecture: architecture!,
          memoryGb: Number(memory),
          migProfiles: profiles,
          computeSlices: Math.max(1, ...profiles.map((p) => p.computeSlices)),
          relativeThroughput: Number(throughput),
        } satisfies GpuModel,
        pattern: new RegExp(pattern!, 'i'),
      };
    },
  ),
);

const instanceTypes = lazy(() => {
  const byId = new Map(models().map(({ entry }) => [entry.model, entry]));
  return new Map(
    referenceTable('gpu-instance-types.csv').map(([provider, type, model, count]) => {
      const entry = byId.get(model!);
      if (!entry) throw new Error(`gpu-instance-types.csv: unknown GPU model "${model}"`);
      return [
        type!.toLowerCase(),
        { provider: provider!, instanceType: type!, model: entry, gpuCount: Number(count) },
      ];
    }),
  );
});

export function gpuModels(): GpuModel[] {
  return models().map((m) => m.entry);
}

/**
 * The catalog model for a device name as drivers report it (`NVIDIA H100 80GB HBM3`,
 * `Tesla T4`, `NVIDIA A100-SXM4-40GB`), or undefined for a GPU the catalog does not know.
 */
export function gpuModelOf(deviceName: string): GpuModel | undefined {
  return models().find((m) => m.pattern.test(deviceName))?.entry;
}

/** A GPU instance type of AWS, Azure or Google Cloud (`p5.48xlarge`, `a3-highgpu-8g`). */
export function gpuInstanceType(instanceType: string): GpuInstanceType | undefined {
  return instanceTypes().get(instanceType.toLowerCase());
}

/** A catalog GPU model by its id (`A100-80GB`). */
export function gpuModel(id: string): GpuModel | undefined {
  return models().find((m) => m.entry.model === id)?.entry;
}

/** Every GPU instance type in the catalog. */
export function gpuInstanceTypes(): GpuInstanceType[] {
  return [...instanceTypes().values()];
}

/**
 * The share of a whole GPU a MIG profile holds, by compute slices (`3g.40gb` on an H100 is 3/7;
 * `2g.12gb` on an A30 is 2/4). Unknown model: sevenths, as on every MIG GPU but the A30.
 */
export function migShare(profile: string, model: GpuModel | undefined): number | undefined {
  const m = MIG_NAME.exec(profile);
  if (!m) return undefined;
  const total = model && model.computeSlices > 1 ? model.computeSlices : 7;
  return Math.min(1, Number(m[1]) / total);
}
