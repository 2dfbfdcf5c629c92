import {
  GPU_METRIC_INDEX,
  GPU_METRICS,
  GpuSeries,
  gpuUsageRow,
  GpuUsageRow,
  seriesKey,
  workloadOf,
} from './gpu-series.js';
import { HourlyAggregator } from './hourly-aggregator.js';
import { seededRandom } from './seeded-random.js';

/**
 * Synthetic, deterministic GPU utilization for the bundled sample (September 2024), beside the
 * GPU machines' cost lines in `sample-data/focus-1.2-sample-gpu.csv`:
 * - a busy training cluster: two p5.48xlarge (16 H100), a pre-training job days 1–24, then idle;
 * - an over-provisioned inference fleet: three single-A100 VMs at 5–35% activity;
 * - notebooks: four single-L4 VMs held all month, busy only in office hours, one never used.
 * Samples every 5 minutes go through the same hourly aggregation as real sources.
 */
const STEP = 300;
const START = Date.UTC(2024, 8, 1) / 1000;
const END = Date.UTC(2024, 9, 1) / 1000;

interface Gpu {
  host: string;
  resourceId: string | null;
  uuid: string;
  index: number;
  model: string;
  memMib: number;
  /** Who holds the GPU at time t, and how busy it is (0–1); null: nobody. */
  at: (
    t: number,
    r: () => number,
  ) => { ns: string; pod: string; team: string; busy: number; memMib: number } | null;
}

function gpus(): Gpu[] {
  const list: Gpu[] = [];
  const uuid = (n: number) => `GPU-5a3e0000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  for (let node = 0; node < 2; node++) {
    for (let i = 0; i < 8; i++) {
      list.push({
        host: `ip-10-0-1-${11 + node}.ec2.internal`,
        resourceId: `i-0a1b2c3d4e5f6000${node + 1}`,
        uuid: uuid(100 + node * 8 + i),
        index: i,
        model: 'NVIDIA H100 80GB HBM3',
        memMib: 81559,
        at: (t, r) =>
          t < START + 24 * 86400
            ? {
                ns: 'ml-research',
                pod: `llm-pretrain-worker-${node}`,
                team: 'ml-research',
                busy: 0.82 + r() * 0.15,
                memMib: 71000 + r() * 4000,
              }
            : null,
      });
    }
  }
  for (let vm = 0; vm < 3; vm++) {
    list.push({
      host: `infer-a100-${vm}`,
      resourceId: null,
      uuid: uuid(200 + vm),
      index: 0,
      model: 'NVIDIA A100 80GB PCIe',
      memMib: 81920,
      at: (t, r) => {
        const hour = (t % 86400) / 3600;
        const diurnal = 0.2 + 0.15 * Math.sin(((hour - 9) / 24) * 2 * Math.PI);
        return {
          ns: 'search',
          pod: `ranker-7d4b9c8f6-x2kz${vm + 4}`,
          team: 'search',
          busy: Math.max(0.05, diurnal + (r() - 0.5) * 0.05),
          memMib: 12000 + r() * 500,
        };
      },
    });
  }
  const users = ['alice', 'bob', 'chen', 'dana'];
  users.forEach((user, nb) => {
    list.push({
      host: `nb-l4-${nb}.us-central1-a.c.acme-ml.internal`,
      resourceId: null,
      uuid: uuid(300 + nb),
      index: 0,
      model: 'NVIDIA L4',
      memMib: 23034,
      at: (t, r) => {
        const day = new Date(t * 1000).getUTCDay();
        const hour = (t % 86400) / 3600;
        const working =
          user !== 'dana' && day >= 1 && day <= 5 && hour >= 9 && hour < 17 && r() < 0.6;
        return {
          ns: 'data-science',
          pod: `jupyter-${user}`,
          team: 'data-science',
          busy: working ? 0.3 + r() * 0.4 : 0,
          memMib: working ? 9000 : 2100,
        };
      },
    });
  });
  return list;
}

/** Every hourly row of the sample, in hour order. */
export function* sampleGpuUsageRows(): Generator<GpuUsageRow> {
  const agg = new HourlyAggregator<GpuSeries>(GPU_METRICS, 3600 / STEP);
  const r = seededRandom(202409);
  const fleet = gpus();
  for (let t = START; t < END; t += STEP) {
    for (const g of fleet) {
      const who = g.at(t, r);
      const series: GpuSeries = {
        host: g.host,
        gpuUuid: g.uuid,
        gpuIndex: String(g.index),
        model: g.model,
        migProfile: null,
        migInstance: null,
        namespace: who?.ns ?? null,
        pod: who?.pod ?? null,
        container: who ? 'main' : null,
        workload: who ? workloadOf(who.pod) : null,
        team: who?.team ?? null,
        resourceId: g.resourceId,
      };
      const id = agg.seriesId(seriesKey(series), () => series);
      const busy = who?.busy ?? 0;
      const used = who?.memMib ?? 0;
      agg.add(id, GPU_METRIC_INDEX.grEngineActive, t, busy);
      agg.add(id, GPU_METRIC_INDEX.smActive, t, busy * 0.85);
      agg.add(
        id,
        GPU_METRIC_INDEX.gpuUtil,
        t,
        busy > 0.02 ? Math.min(100, Math.round(busy * 100 + 10)) : 0,
      );
      agg.add(id, GPU_METRIC_INDEX.fbUsed, t, Math.round(used));
      agg.add(id, GPU_METRIC_INDEX.fbFree, t, g.memMib - Math.round(used));
      agg.add(id, GPU_METRIC_INDEX.power, t, 60 + busy * 500);
    }
    if ((t + STEP) % 3600 === 0) for (const b of agg.drain(t + STEP)) yield gpuUsageRow(b, STEP);
  }
  for (const b of agg.drain()) yield gpuUsageRow(b, STEP);
}
