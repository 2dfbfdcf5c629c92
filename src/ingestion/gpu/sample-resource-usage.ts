import { HourlyAggregator } from './hourly-aggregator.js';
import {
  RESOURCE_METRIC_INDEX,
  RESOURCE_METRICS,
  ResourceSeries,
  resourceUsageRow,
  ResourceUsageRow,
} from './resource-series.js';
import { seededRandom } from './seeded-random.js';

/**
 * Synthetic, deterministic CPU and memory of the sample machines in
 * `sample-data/focus-1.2-sample-optimization.csv` (September 2024), sampled every 5 minutes and
 * aggregated like real node metrics:
 * - api-server-1 (m5.2xlarge, 8 vCPU, 32 GiB): 8–22 % CPU with a daily peak, 6–7 GiB used;
 * - legacy-cron (t3.large, 2 vCPU, 8 GiB): under 3 % CPU all month.
 */
const STEP = 300;
const START = Date.UTC(2024, 8, 1) / 1000;
const END = Date.UTC(2024, 9, 1) / 1000;
const GIB = 1024 ** 3;

const MACHINES = [
  {
    series: { host: 'api-server-1', resourceId: 'i-0a1b2c3d4e5f70001' },
    memoryGib: 32,
    at: (t: number, r: () => number) => {
      const hour = ((t - START) / 3600) % 24;
      const daily = 0.08 + 0.12 * Math.max(0, Math.sin(((hour - 8) / 12) * Math.PI));
      return { cpu: Math.min(1, daily + r() * 0.02), memGib: 6 + r() * 1 };
    },
  },
  {
    series: { host: 'legacy-cron', resourceId: 'i-0a1b2c3d4e5f70002' },
    memoryGib: 8,
    at: (_t: number, r: () => number) => ({ cpu: 0.005 + r() * 0.02, memGib: 0.8 + r() * 0.1 }),
  },
];

/** Every hourly row of the sample, in hour order. */
export function* sampleResourceUsageRows(): Generator<ResourceUsageRow> {
  const agg = new HourlyAggregator<ResourceSeries>(RESOURCE_METRICS, 3600 / STEP);
  const r = seededRandom(202410);
  for (let t = START; t < END; t += STEP) {
    for (const m of MACHINES) {
      const id = agg.seriesId(m.series.host, () => m.series);
      const { cpu, memGib } = m.at(t, r);
      agg.add(id, RESOURCE_METRIC_INDEX.cpu, t, cpu);
      agg.add(id, RESOURCE_METRIC_INDEX.memoryUsed, t, Math.round(memGib * GIB));
      agg.add(id, RESOURCE_METRIC_INDEX.memoryTotal, t, m.memoryGib * GIB);
    }
    if ((t + STEP) % 3600 === 0)
      for (const b of agg.drain(t + STEP)) yield resourceUsageRow(b, STEP);
  }
  for (const b of agg.drain()) yield resourceUsageRow(b, STEP);
}
