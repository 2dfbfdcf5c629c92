import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadSources } from '../../src/config/app-config.js';
import { gpuSeriesFromLabels, workloadOf } from '../../src/ingestion/gpu/gpu-series.js';
import { labelOptions } from '../../src/ingestion/gpu/resource-id-rules.js';
import { NVIDIA_SMI_FIELDS } from '../../src/ingestion/gpu/sample-feeds.js';
import { GpuProcessOwners } from '../../src/ingestion/gpu/nvidia-smi-apps.js';
import {
  isHeader,
  NvidiaSmiParseError,
  parseHeader,
  parseReading,
  splitCells,
} from '../../src/ingestion/gpu/nvidia-smi-csv.js';
import {
  ExpositionParseError,
  parseExposition,
  parseExpositionLine,
} from '../../src/ingestion/gpu/prometheus-text.js';
import {
  parseRangeResponse,
  PrometheusQueryError,
  RangeResponseShapeError,
} from '../../src/ingestion/gpu/query-range-response.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/gpu/${name}`, import.meta.url), 'utf8');

describe('dcgm-exporter text format', () => {
  const samples = [...parseExposition(fixture('dcgm-exporter-metrics.datadog-fixture.prom'))];

  it('reads every sample of the DataDog fixture scrape with its labels and value', () => {
    assert.equal(samples.length, 38);
    const power = samples.find((s) => s.name === 'DCGM_FI_DEV_POWER_USAGE')!;
    assert.equal(power.value, 8.969);
    assert.equal(power.labels['UUID'], 'GPU-20c56d28-0da5-6d26-a36a-e7af1ce2586e');
    assert.equal(power.labels['Hostname'], '424773df46e0');
    assert.equal(power.labels['modelName'], 'Tesla T4');
    const free = samples.find((s) => s.name === 'DCGM_FI_DEV_FB_FREE')!;
    assert.equal(free.value, 15109);
    const energy = samples.find((s) => s.name === 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION')!;
    assert.equal(energy.value, 128996013);
    const last = samples.at(-1)!;
    assert.equal(last.name, 'DCGM_FI_PROF_DRAM_ACTIVE');
    assert.equal(last.value, 0.000003);
    assert.deepEqual(
      [last.labels['namespace'], last.labels['pod'], last.labels['container']],
      ['ray-llm', 'ray-1111111', 'ray-worker'],
    );
    assert.equal(samples.filter((s) => Object.keys(s.labels).length === 0).length, 14);
  });

  it('unescapes label values and reads NaN, infinities, exponents and timestamps', () => {
    const s = parseExpositionLine('m{a="x\\"y\\\\z\\n",b=""} 1.5e3 1700000000000', 1)!;
    assert.deepEqual(s, {
      name: 'm',
      labels: { a: 'x"y\\z\n', b: '' },
      value: 1500,
      timestampMs: 1700000000000,
    });
    assert.ok(Number.isNaN(parseExpositionLine('m NaN', 1)!.value));
    assert.equal(parseExpositionLine('m -Inf', 1)!.value, Number.NEGATIVE_INFINITY);
    assert.equal(parseExpositionLine('# HELP m help', 1), null);
  });

  it('names the line and metric of a malformed sample', () => {
    assert.throws(
      () => [...parseExposition('ok 1\nDCGM_FI_DEV_GPU_UTIL{gpu="0"} abc\n')],
      (e: unknown) =>
        e instanceof ExpositionParseError &&
        e.line === 2 &&
        /DCGM_FI_DEV_GPU_UTIL: bad value "abc"/.test(e.message),
    );
    assert.throws(() => parseExpositionLine('m{gpu="0} 1', 7), /line 7: label gpu: unterminated/);
  });
});

describe('Prometheus query_range responses', () => {
  it('reads the documented matrix example: float timestamps and string values', () => {
    const r = parseRangeResponse(
      JSON.parse(fixture('prometheus-query_range-up.prometheus-docs.json')),
    );
    assert.equal(r.series.length, 2);
    assert.deepEqual(r.series[0]!.labels, {
      __name__: 'up',
      job: 'prometheus',
      instance: 'localhost:9090',
    });
    assert.deepEqual(r.series[0]!.times, [1435781430.781, 1435781445.781, 1435781460.781]);
    assert.deepEqual(r.series[1]!.values, [0, 0, 1]);
    assert.deepEqual(r.warnings, []);
  });

  it('reads DCGM series with Kubernetes labels into GPU identities', () => {
    const r = parseRangeResponse(
      JSON.parse(fixture('prometheus-query_range-DCGM_FI_DEV_GPU_UTIL.synthetic.json')),
    );
    assert.deepEqual(r.series[0]!.times, [1725148800, 1725148860, 1725148920]);
    assert.deepEqual(r.series[0]!.values, [97, 100, 0]);
    const opts = { teamLabels: ['team'] };
    const busy = gpuSeriesFromLabels(r.series[0]!.labels, opts);
    assert.deepEqual(busy.missing, []);
    assert.deepEqual(busy.series, {
      host: 'ip-10-0-12-34',
      gpuUuid: 'GPU-5c1d2a3b-0000-1111-2222-333344445555',
      gpuIndex: '0',
      model: 'NVIDIA H100 80GB HBM3',
      migProfile: null,
      migInstance: null,
      namespace: 'ml-team',
      pod: 'train-llm-0',
      container: 'trainer',
      workload: 'train-llm',
      team: null,
      resourceId: null,
    });
    const idle = gpuSeriesFromLabels(r.series[1]!.labels, opts).series;
    assert.deepEqual(
      [idle.gpuIndex, idle.namespace, idle.pod, idle.workload],
      ['1', null, null, null],
    );
  });

  it('turns an error body into a typed error and rejects other shapes', () => {
    assert.throws(
      () =>
        parseRangeResponse({
          status: 'error',
          errorType: 'bad_data',
          error: 'exceeded maximum resolution of 11,000 points per timeseries',
        }),
      (e: unknown) => e instanceof PrometheusQueryError && e.errorType === 'bad_data',
    );
    assert.throws(
      () => parseRangeResponse({ status: 'success', data: { resultType: 'vector', result: [] } }),
      RangeResponseShapeError,
    );
  });
});

describe('GPU labels', () => {
  it('prefers hostname over Hostname over instance, and exported_ pod labels over the target ones', () => {
    const s = gpuSeriesFromLabels(
      {
        instance: '10.0.0.7:9400',
        gpu: '3',
        UUID: 'GPU-1',
        namespace: 'gpu-operator',
        pod: 'dcgm-exporter-x7k2p',
        exported_namespace: 'research',
        exported_pod: 'notebook-alice-7d9f8b6c5d-q2w4x',
        GPU_I_PROFILE: '3g.40gb',
        GPU_I_ID: '2',
        label_team: 'vision',
      },
      { teamLabels: ['team', 'label_team'] },
    ).series;
    assert.equal(s.host, '10.0.0.7');
    assert.deepEqual(
      [s.namespace, s.pod, s.workload, s.migProfile, s.migInstance, s.team],
      ['research', 'notebook-alice-7d9f8b6c5d-q2w4x', 'notebook-alice', '3g.40gb', '2', 'vision'],
    );
  });

  it('reports a series with no UUID and no host', () => {
    assert.deepEqual(gpuSeriesFromLabels({}, { teamLabels: [] }).missing, ['hostname', 'UUID']);
  });

  it('derives workloads from Deployment, StatefulSet and Job pod names', () => {
    assert.equal(workloadOf('api-7d4b9c8f6-x2kz9'), 'api');
    assert.equal(workloadOf('train-llm-12'), 'train-llm');
    assert.equal(workloadOf('etl-nightly-x7k2p'), 'etl-nightly');
    assert.equal(workloadOf('standalone'), 'standalone');
  });

  it('maps hosts to resource ids by the first matching rule; a resource id label wins', () => {
    const opts = labelOptions({
      resourceIdLabel: 'instance_id',
      resourceIdRules: [
        { host: '^gpu-(\\d+)\\.lab$', resourceId: 'virtualMachines/lab-gpu-$1' },
        { host: '^gpu-', resourceId: 'never-used-$9' },
        { host: '^ip-10-0-1-7\\.', resourceId: 'i-0abc' },
      ],
    });
    const id = (labels: Record<string, string>) =>
      gpuSeriesFromLabels({ UUID: 'GPU-1', ...labels }, opts).series.resourceId;
    assert.equal(id({ Hostname: 'gpu-12.lab' }), 'virtualMachines/lab-gpu-12');
    assert.equal(id({ Hostname: 'gpu-x' }), 'never-used-');
    assert.equal(id({ Hostname: 'ip-10-0-1-7.ec2.internal' }), 'i-0abc');
    assert.equal(id({ Hostname: 'ip-10-0-1-7.ec2.internal', instance_id: 'i-0def' }), 'i-0def');
    assert.equal(id({ Hostname: 'other' }), null);
  });

  it('rejects a resourceIdRules pattern that is not a regular expression, naming it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'finops-rules-'));
    writeFileSync(
      path.join(dir, 'sources.yaml'),
      'sources:\n  - name: p\n    kind: nvidia-smi-csv\n    path: /x\n    resourceIdRules: [{host: "gpu-(", resourceId: x}]\n',
    );
    assert.throws(() => loadSources(dir), /resourceIdRules\.0\.host.*not a regular expression/s);
  });
});

describe('nvidia-smi --query-gpu CSV', () => {
  const lines = fixture('nvidia-smi-query-gpu-common-fields-h100.idle-and-load.csv')
    .trim()
    .split('\n');
  const header = parseHeader(splitCells(lines[0]!), 1);
  const measured = new Set(Object.keys(NVIDIA_SMI_FIELDS));
  const read = (text: string, line: number, zone = 'UTC') =>
    parseReading(splitCells(text), header, measured, line, zone);

  it('reads the header with units and both H100 rows (idle, then under load) exactly', () => {
    assert.equal(header.length, 17);
    assert.deepEqual(header[7], { name: 'utilization.gpu', unit: '%' });
    assert.deepEqual(header[10], { name: 'memory.used', unit: 'MiB' });
    const [idle, load] = lines.slice(1).map((l, i) => read(l, i + 2));
    assert.equal(new Date(idle!.timeMs).toISOString(), '2026-07-14T08:12:38.696Z');
    assert.equal(idle!.uuid, 'GPU-00000000-0000-0000-0000-000000000000');
    assert.equal(idle!.name, 'NVIDIA H100 80GB HBM3');
    assert.equal(idle!.index, '0');
    assert.equal(idle!.values.get('utilization.gpu'), 0);
    assert.equal(idle!.values.get('power.draw'), 69.85);
    assert.equal(load!.values.get('utilization.gpu'), 100);
    assert.equal(load!.values.get('memory.total'), 81559);
    assert.equal(load!.values.get('memory.used'), 19818);
    assert.equal(load!.values.get('memory.free'), 61263);
    assert.equal(load!.values.get('power.draw'), 631.95);
    for (const unused of ['utilization.memory', 'clocks.current.sm', 'pstate', 'pci.bus_id'])
      assert.equal(load!.values.has(unused), false, unused);
  });

  it('converts local timestamps to UTC in the configured zone, across a DST change', () => {
    const row = lines[1]!;
    const berlin = read(row, 2, 'Europe/Berlin');
    assert.equal(new Date(berlin.timeMs).toISOString(), '2026-07-14T06:12:38.696Z');
    const winter = row.replace('2026/07/14', '2026/01/14');
    assert.equal(
      new Date(read(winter, 2, 'Europe/Berlin').timeMs).toISOString(),
      '2026-01-14T07:12:38.696Z',
    );
  });

  it('keeps [N/A] as no value and names the line and field of a bad cell', () => {
    const na = lines[2]!.replace('631.95 W', '[N/A]');
    assert.equal(read(na, 3).values.get('power.draw'), null);
    const bad = lines[2]!.replace('19818 MiB', 'lots MiB');
    assert.throws(
      () => read(bad, 3),
      (e: unknown) => e instanceof NvidiaSmiParseError && e.line === 3 && e.field === 'memory.used',
    );
    assert.throws(() => read('2026/07/14 08:12:38.696, x', 4), /2 cells where the header has 17/);
    assert.ok(isHeader(splitCells(lines[0]!)));
    assert.throws(() => parseHeader(['name', 'index'], 1), /timestamp: missing from the header/);
  });
});

describe('nvidia-smi --query-compute-apps CSV', () => {
  const GPU = 'GPU-5d3f1a9c-7b2e-4c8d-9f01-2a3b4c5d6e7f';
  const noTime = parseHeader(splitCells('gpu_uuid, pid, process_name, used_gpu_memory [MiB]'), 1, [
    'gpu_uuid',
    'pid',
    'process_name',
  ]);

  it('makes each process an owner by the first matching rule; without timestamps, in every hour', () => {
    const owners = new GpuProcessOwners([
      { process: '^/opt/', team: 'ml' },
      { process: 'python', team: 'research', namespace: 'lab' },
    ]);
    owners.add(splitCells(`${GPU}, 4242, /opt/conda/bin/python3, 100 MiB`), noTime, 2, 'UTC');
    owners.add(splitCells(`${GPU}, 77, /usr/bin/python3, [N/A]`), noTime, 3, 'UTC');
    const at = [...owners.at(GPU, Date.UTC(2026, 6, 14, 8))];
    assert.deepEqual(
      at.map((o) => [o.pod, o.workload, o.team, o.namespace]),
      [
        ['python3[4242]', 'python3', 'ml', null],
        ['python3[77]', 'python3', 'research', 'lab'],
      ],
    );
    assert.deepEqual([...owners.at(GPU, Date.UTC(2027, 0, 1))].length, 2);
    assert.deepEqual([...owners.at('GPU-other', 0)], []);
  });

  it('names the line and field of a bad cell', () => {
    const owners = new GpuProcessOwners([]);
    assert.throws(
      () => owners.add(splitCells(`${GPU}, x, /usr/bin/python3, 1 MiB`), noTime, 5, 'UTC'),
      (e: unknown) => e instanceof NvidiaSmiParseError && e.line === 5 && e.field === 'pid',
    );
  });
});
