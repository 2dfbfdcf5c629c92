import assert from 'node:assert/strict';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadSources } from '../../src/config/app-config.js';
import type { UsageRunResult } from '../../src/ingestion/gpu/usage-import.service.js';
import { createCloudApp } from '../support/cloud-app.js';

/**
 * End to end against a real Prometheus (Debian package `prometheus`): dcgm-exporter and node
 * series are written as OpenMetrics, turned into TSDB blocks with `promtool tsdb
 * create-blocks-from openmetrics`, served by `prometheus`, and read by the importer.
 */
const missing = ['prometheus', 'promtool'].filter((bin) => {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`]);
    return false;
  } catch {
    return true;
  }
});
const skip = missing.length
  ? `${missing.join(' and ')} not installed (apt-get install -y prometheus); the real-Prometheus test cannot run`
  : false;
if (skip) console.log(`# SKIP prometheus-usage: ${skip}`);

const START = Date.UTC(2024, 8, 2) / 1000; // 2024-09-02T00:00Z
const HOURS = 6;
const SCRAPE = 15;

/** Two H100s on gpu-node-1: GPU 0 trains (busy 0.8) all along; GPU 1 idles, and sends nothing in hour 3. */
function openMetrics(): string {
  const lines: string[] = [];
  const gpu = (i: number, pod: boolean) =>
    `gpu="${i}",UUID="GPU-aaaa000${i}",modelName="NVIDIA H100 80GB HBM3",Hostname="gpu-node-1"` +
    (pod
      ? `,exported_namespace="ml",exported_pod="train-0",exported_container="trainer",team="vision"`
      : '') +
    `,namespace="gpu-operator",pod="dcgm-exporter-x7k2p"`;
  const series = (name: string, labels: string, value: (t: number) => number | null) => {
    lines.push(`# TYPE ${name} gauge`);
    for (let t = START; t < START + HOURS * 3600; t += SCRAPE) {
      const v = value(t);
      if (v !== null) lines.push(`${name}{${labels}} ${v} ${t}`);
    }
  };
  const gap = (t: number) => t >= START + 3 * 3600 && t < START + 4 * 3600;
  series('DCGM_FI_DEV_GPU_UTIL', gpu(0, true), () => 95);
  series('DCGM_FI_PROF_GR_ENGINE_ACTIVE', gpu(0, true), () => 0.8);
  series('DCGM_FI_DEV_FB_USED', gpu(0, true), () => 40000);
  series('DCGM_FI_DEV_FB_FREE', gpu(0, true), () => 41559);
  series('DCGM_FI_DEV_GPU_UTIL', gpu(1, false), (t) => (gap(t) ? null : 0));
  series('DCGM_FI_PROF_GR_ENGINE_ACTIVE', gpu(1, false), (t) => (gap(t) ? null : 0));
  series('node_cpu_busy_ratio', 'instance="gpu-node-1:9100"', (t) =>
    (t - START) % 3600 < 1800 ? 0.2 : 0.6,
  );
  series('node_memory_used_bytes', 'instance="gpu-node-1:9100"', () => 64e9);
  series('node_memory_total_bytes', 'instance="gpu-node-1:9100"', () => 256e9);
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

describe('prometheus source against a real Prometheus server', { skip }, () => {
  let prometheus: ChildProcess;
  let url = '';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'finops-prom-'));

  before(async () => {
    writeFileSync(path.join(dir, 'series.om'), openMetrics());
    execFileSync(
      'promtool',
      ['tsdb', 'create-blocks-from', 'openmetrics', '-q', 'series.om', 'tsdb'],
      { cwd: dir },
    );
    writeFileSync(path.join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 15s\n');
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'tsdb')}`,
        '--storage.tsdb.retention.time=100y',
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100; i++) {
      const ready = await fetch(`${url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('prometheus did not become ready');
  });
  after(() => prometheus?.kill());

  it('imports hourly GPU and node usage through query_range in chunks, with gaps reported', async () => {
    const cfg = path.join(dir, 'config');
    execFileSync('mkdir', ['-p', cfg]);
    writeFileSync(
      path.join(cfg, 'sources.yaml'),
      [
        'sources:',
        '  - name: dcgm',
        '    kind: prometheus',
        `    url: ${url}`,
        '    step: 60',
        '    chunkHours: 2',
        '    lookbackHours: 6',
        '    nodeQueries:',
        '      cpu: node_cpu_busy_ratio',
        '      memoryUsed: node_memory_used_bytes',
        '      memoryTotal: node_memory_total_bytes',
        '      hostLabel: instance',
      ].join('\n'),
    );
    const { sources, db } = await createCloudApp(loadSources(cfg));
    const now = new Date((START + HOURS * 3600) * 1000 + 10 * 60_000);
    const run = async () =>
      (await sources.run('dcgm', { trigger: 'cli', now })) as UsageRunResult[];
    const [first] = await run();
    assert.equal(first!.status, 'succeeded', first!.message ?? '');
    // 3 chunks of 2 hours x (7 DCGM fields + 3 node queries)
    assert.equal(first!.requests, 30);
    assert.equal(first!.gpuRows, 12);
    assert.equal(first!.resourceRows, 6);
    assert.equal(first!.findings['GPU-hours with missing samples'], 1);
    assert.equal(first!.findings['metric returned no series: DCGM_FI_PROF_SM_ACTIVE'], 1);

    const rows = (await db.query(
      `SELECT hour, gpu_uuid, namespace, pod, workload, team, samples, covered_seconds,
              gpu_util_avg, gr_engine_active_avg, gr_engine_active_p95, fb_used_avg_mib, fb_total_mib
         FROM gpu_usage ORDER BY gpu_uuid, hour`,
    )) as Record<string, unknown>[];
    assert.equal(rows.length, 12);
    assert.deepEqual(rows[0], {
      hour: new Date('2024-09-02T00:00:00Z'),
      gpu_uuid: 'GPU-aaaa0000',
      namespace: 'ml',
      pod: 'train-0',
      workload: 'train',
      team: 'vision',
      samples: 60,
      covered_seconds: 3600,
      gpu_util_avg: 95,
      gr_engine_active_avg: 0.8,
      gr_engine_active_p95: 0.8,
      fb_used_avg_mib: 40000,
      fb_total_mib: 81559,
    });
    const idle = rows.filter((r) => r['gpu_uuid'] === 'GPU-aaaa0001');
    assert.deepEqual(
      idle.map((r) => [(r['hour'] as Date).getUTCHours(), r['pod'], r['samples']]),
      [
        [0, null, 60],
        [1, null, 60],
        [2, null, 60],
        // hour 3 sent nothing; Prometheus' 5-minute lookback still answers its first 5 steps
        [3, null, 5],
        [4, null, 60],
        [5, null, 60],
      ],
    );
    const nodes = (await db.query(
      `SELECT host, cpu_avg, cpu_p95, cpu_max, memory_used_max_bytes, memory_total_bytes FROM resource_usage ORDER BY hour LIMIT 1`,
    )) as Record<string, unknown>[];
    assert.deepEqual(nodes[0], {
      host: 'gpu-node-1',
      cpu_avg: 0.4,
      cpu_p95: 0.6,
      cpu_max: 0.6,
      memory_used_max_bytes: 64e9,
      memory_total_bytes: 256e9,
    });

    // Re-running the same period replaces, never appends.
    const [again] = await run();
    assert.equal(again!.status, 'succeeded');
    const [{ n }] = (await db.query(`SELECT count(*)::int AS n FROM gpu_usage`)) as [{ n: number }];
    assert.equal(n, 12);
  });
});
