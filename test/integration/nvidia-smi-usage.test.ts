import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadSources } from '../../src/config/app-config.js';
import type { UsageRunResult } from '../../src/ingestion/gpu/usage-import.service.js';
import { createCloudApp } from '../support/cloud-app.js';

const fixture = fileURLToPath(
  new URL(
    '../../../test/fixtures/gpu/nvidia-smi-query-gpu-common-fields-h100.idle-and-load.csv',
    import.meta.url,
  ),
);

const allFields = fileURLToPath(
  new URL(
    '../../../test/fixtures/gpu/nvidia-smi-query-gpu-all-fields-2xh100.synthetic.csv',
    import.meta.url,
  ),
);

const computeApps = fileURLToPath(
  new URL(
    '../../../test/fixtures/gpu/nvidia-smi-query-compute-apps-2xh100.synthetic.csv',
    import.meta.url,
  ),
);

describe('nvidia-smi-csv source', () => {
  it('imports the H100 log as one hourly row per GPU and replaces it on a re-run', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'finops-smi-'));
    mkdirSync(path.join(dir, 'logs'));
    copyFileSync(fixture, path.join(dir, 'logs', 'h100-box.csv'));
    writeFileSync(
      path.join(dir, 'sources.yaml'),
      `sources:\n  - name: smi\n    kind: nvidia-smi-csv\n    path: ${path.join(dir, 'logs')}\n`,
    );
    const { sources, db } = await createCloudApp(loadSources(dir));
    const run = async () =>
      ((await sources.run('smi', { trigger: 'cli' })) as UsageRunResult[])[0]!;
    const first = await run();
    assert.equal(first.status, 'succeeded', first.message ?? '');
    assert.equal(first.gpuRows, 1);
    assert.equal(first.findings['field not used: utilization.memory'], 1);
    const again = await run();
    assert.equal(again.status, 'succeeded');
    const rows = (await db.query(
      `SELECT hour, host, gpu_uuid, model, samples, covered_seconds, gpu_util_avg, gpu_util_p95,
              fb_used_max_mib, fb_total_mib, power_avg_w FROM gpu_usage`,
    )) as Record<string, unknown>[];
    assert.deepEqual(rows, [
      {
        hour: new Date('2026-07-14T08:00:00Z'),
        host: 'h100-box',
        gpu_uuid: 'GPU-00000000-0000-0000-0000-000000000000',
        model: 'NVIDIA H100 80GB HBM3',
        samples: 2,
        covered_seconds: 30, // two readings ~15 s apart
        gpu_util_avg: 50,
        gpu_util_p95: 100,
        fb_used_max_mib: 19818,
        fb_total_mib: 81559,
        power_avg_w: 350.9,
      },
    ]);
  });

  it('names the file, line and field of a bad cell and keeps the previous rows', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'finops-smi-'));
    const file = path.join(dir, 'box.csv');
    const bad = Array.from(
      { length: 12 },
      () =>
        '2026/07/14 09:00:00.000, NVIDIA H100 80GB HBM3, GPU-1, 0, 0, x, P0, lots %, 0 %, 1 MiB, 1 MiB, 1 MiB, 1, 1 W, 1 W, 1 MHz, Disabled',
    );
    const header =
      'timestamp, name, uuid, pci.bus_id, index, driver_version, pstate, utilization.gpu [%], utilization.memory [%], memory.total [MiB], memory.used [MiB], memory.free [MiB], temperature.gpu, power.draw [W], power.limit [W], clocks.current.sm [MHz], mig.mode.current';
    writeFileSync(
      path.join(dir, 'sources.yaml'),
      `sources:\n  - name: smi\n    kind: nvidia-smi-csv\n    path: ${file}\n`,
    );
    const { sources, db } = await createCloudApp(loadSources(dir));
    copyFileSync(fixture, file);
    await sources.run('smi', { trigger: 'cli' });
    writeFileSync(file, [header, ...bad].join('\n') + '\n');
    await assert.rejects(
      () => sources.run('smi', { trigger: 'cli' }),
      /\/box\.csv:2: utilization\.gpu: "lots %" is not a number in %/,
    );
    const kept = (await db.query(`SELECT host, samples, gpu_util_avg FROM gpu_usage`)) as unknown[];
    assert.deepEqual(kept, [{ host: 'box', samples: 2, gpu_util_avg: 50 }]);
  });

  it('reads a capture of every common --query-gpu field, ignoring the fields it does not use', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'finops-smi-'));
    const file = path.join(dir, 'dgx-1.csv');
    copyFileSync(allFields, file);
    writeFileSync(
      path.join(dir, 'sources.yaml'),
      `sources:\n  - name: smi\n    kind: nvidia-smi-csv\n    path: ${file}\n`,
    );
    const { sources, db } = await createCloudApp(loadSources(dir));
    const [run] = (await sources.run('smi', { trigger: 'cli' })) as UsageRunResult[];
    assert.equal(run!.status, 'succeeded', run!.message ?? '');
    assert.equal(run!.gpuRows, 2);
    assert.equal(run!.findings['field not used: pci.device_id'], 1);
    const runs = (await db.query(`SELECT rows_read, rows_rejected FROM import_run`)) as unknown[];
    assert.deepEqual(runs, [{ rows_read: '8', rows_rejected: '0' }]);
    const rows = (await db.query(
      `SELECT gpu_uuid, samples, covered_seconds, gpu_util_avg, fb_used_max_mib, fb_total_mib
         FROM gpu_usage ORDER BY gpu_index`,
    )) as Record<string, unknown>[];
    assert.deepEqual(rows, [
      {
        gpu_uuid: 'GPU-5d3f1a9c-7b2e-4c8d-9f01-2a3b4c5d6e7f',
        samples: 4,
        covered_seconds: 60, // four readings ~15 s apart
        gpu_util_avg: 75,
        fb_used_max_mib: 19818,
        fb_total_mib: 81559,
      },
      {
        gpu_uuid: 'GPU-8e2a4b6c-1d3f-4a5b-8c7d-9e0f1a2b3c4d',
        samples: 4,
        covered_seconds: 60,
        gpu_util_avg: 0,
        fb_used_max_mib: 0,
        fb_total_mib: 81559,
      },
    ]);
  });

  it('fails a run that loads nothing from a non-empty file, with the reason', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'finops-smi-'));
    const file = path.join(dir, 'box.csv');
    writeFileSync(
      file,
      'timestamp, uuid, utilization.gpu [%]\n2026/07/14 09:00:00.000, GPU-1, lots %\n',
    );
    writeFileSync(
      path.join(dir, 'sources.yaml'),
      `sources:\n  - name: smi\n    kind: nvidia-smi-csv\n    path: ${file}\n`,
    );
    const { sources, db } = await createCloudApp(loadSources(dir));
    await assert.rejects(
      () => sources.run('smi', { trigger: 'cli' }),
      /nothing was loaded from 1 line\(s\)[\s\S]*\/box\.csv:2: utilization\.gpu: "lots %" is not a number in %/,
    );
    const [r] = (await db.query(`SELECT status, error FROM import_run`)) as {
      status: string;
      error: string;
    }[];
    assert.equal(r!.status, 'failed');
    assert.match(r!.error, /nothing was loaded/);
  });

  it('attributes GPU-seconds to the processes of --query-compute-apps logs, by owner rules', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'finops-smi-'));
    mkdirSync(path.join(dir, 'logs'));
    copyFileSync(allFields, path.join(dir, 'logs', 'dgx-1.csv'));
    copyFileSync(computeApps, path.join(dir, 'logs', 'dgx-1.apps.csv'));
    writeFileSync(
      path.join(dir, 'sources.yaml'),
      [
        'sources:',
        '  - name: smi',
        '    kind: nvidia-smi-csv',
        `    path: ${path.join(dir, 'logs')}`,
        '    owners:',
        "      - { process: 'python', team: ml, namespace: training }",
        '',
      ].join('\n'),
    );
    const { sources, db } = await createCloudApp(loadSources(dir));
    const [run] = (await sources.run('smi', { trigger: 'cli' })) as UsageRunResult[];
    assert.equal(run!.status, 'succeeded', run!.message ?? '');
    const rows = (await db.query(
      `SELECT host, gpu_uuid, team, namespace, pod, workload, covered_seconds, gpu_util_avg
         FROM gpu_usage ORDER BY gpu_index`,
    )) as Record<string, unknown>[];
    assert.deepEqual(rows, [
      {
        host: 'dgx-1',
        gpu_uuid: 'GPU-5d3f1a9c-7b2e-4c8d-9f01-2a3b4c5d6e7f',
        team: 'ml',
        namespace: 'training',
        pod: 'python3[4242]',
        workload: 'python3',
        covered_seconds: 60,
        gpu_util_avg: 75,
      },
      {
        host: 'dgx-1',
        gpu_uuid: 'GPU-8e2a4b6c-1d3f-4a5b-8c7d-9e0f1a2b3c4d',
        team: null, // no rule names Xorg's team: held, but by nobody's workload
        namespace: null,
        pod: 'Xorg[1876]',
        workload: 'Xorg',
        covered_seconds: 60,
        gpu_util_avg: 0,
      },
    ]);
    const held = (await db.query(
      `SELECT team, sum(covered_seconds)::int AS seconds FROM gpu_usage
        WHERE team IS NOT NULL GROUP BY team`,
    )) as unknown[];
    assert.deepEqual(held, [{ team: 'ml', seconds: 60 }]);
  });
});
