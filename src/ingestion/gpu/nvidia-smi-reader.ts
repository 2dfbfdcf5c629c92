import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { NvidiaSmiSourceConfig } from '../../config/app-config.js';
import type { ImportTally } from '../import-tally.js';
import { GPU_METRICS, GpuSeries, gpuUsageRow } from './gpu-series.js';
import { HourlyAggregator } from './hourly-aggregator.js';
import {
  HeaderField,
  IDENTITY_FIELDS,
  isHeader,
  NvidiaSmiParseError,
  parseHeader,
  parseReading,
  splitCells,
} from './nvidia-smi-csv.js';
import { GpuProcessOwners, isComputeAppsHeader } from './nvidia-smi-apps.js';
import { labelOptions } from './resource-id-rules.js';
import { feedNvidiaSmi, NVIDIA_SMI_FIELDS } from './sample-feeds.js';
import { note, UsageFindings } from './usage-findings.js';
import { GPU_USAGE_COLUMNS } from './usage-tables.js';
import type { UsageStage } from './usage-stage.js';

/** The files a source reads: the file itself, or a folder's `*.csv` in name order. */
export async function nvidiaSmiFiles(p: string): Promise<string[]> {
  const info = await stat(p);
  if (!info.isDirectory()) return [p];
  return (await readdir(p))
    .filter((f) => f.toLowerCase().endsWith('.csv'))
    .sort()
    .map((f) => path.join(p, f));
}

/** The sampling interval: the median gap between one GPU's consecutive readings. */
class IntervalEstimate {
  private readonly last = new Map<string, number>();
  private readonly gaps: number[] = [];

  see(uuid: string, tMs: number): void {
    const prev = this.last.get(uuid);
    if (prev !== undefined && tMs > prev && this.gaps.length < 10_000) this.gaps.push(tMs - prev);
    this.last.set(uuid, tMs);
  }

  seconds(): number | undefined {
    if (this.gaps.length === 0) return undefined;
    const sorted = [...this.gaps].sort((a, b) => a - b);
    return Math.max(1, Math.round(sorted[Math.floor(sorted.length / 2)]! / 1000));
  }
}

const MEASURED: ReadonlySet<string> = new Set(Object.keys(NVIDIA_SMI_FIELDS));

/** Non-empty lines of a file with their numbers, read as a stream; closed when the loop ends. */
async function* fileLines(file: string): AsyncGenerator<{ text: string; line: number }> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() !== '') yield { text, line };
    }
  } finally {
    lines.close();
  }
}

/** Whether a file is a `--query-compute-apps` log (by its first line) rather than `--query-gpu`. */
async function isComputeAppsFile(file: string): Promise<boolean> {
  for await (const { text } of fileLines(file)) return isComputeAppsHeader(splitCells(text));
  return false;
}

/**
 * Reads nvidia-smi CSV logs into the stage, one file (one machine) at a time: first the
 * `--query-compute-apps` logs (who held each GPU when), then the `--query-gpu` logs. A line that
 * does not parse is rejected with its file, line and field; the run fails past `tally`'s limit.
 */
export async function readNvidiaSmiFiles(
  config: NvidiaSmiSourceConfig,
  files: readonly string[],
  stage: UsageStage,
  tally: ImportTally,
  findings: UsageFindings,
): Promise<{ gpuRows: number; samples: number }> {
  const owners = new GpuProcessOwners(config.owners);
  const gpuFiles: string[] = [];
  for (const file of files) {
    if (!(await isComputeAppsFile(file))) gpuFiles.push(file);
    else if (!(await readComputeApps(file, config.timezone, owners, tally))) break;
  }
  const copy = await stage.copy('gpu_usage', GPU_USAGE_COLUMNS);
  let samples = 0;
  const labels = labelOptions(config);
  for (const file of tally.overLimit ? [] : gpuFiles) {
    const host = config.host ?? path.basename(file).replace(/\.csv$/i, '');
    const agg = new HourlyAggregator<GpuSeries>(GPU_METRICS); // value buffers grow with the interval
    const interval = new IntervalEstimate();
    const unused = new Set<string>();
    let header: HeaderField[] | undefined;
    for await (const { text, line } of fileLines(file)) {
      const cells = splitCells(text);
      try {
        if (isHeader(cells)) {
          header = parseHeader(cells, line);
          for (const { name } of header)
            if (!IDENTITY_FIELDS.has(name) && !MEASURED.has(name) && !unused.has(name)) {
              unused.add(name);
              note(findings, `field not used: ${name}`);
            }
          continue;
        }
        if (!header) throw new NvidiaSmiParseError(line, '(header)', 'data before the header line');
        const reading = parseReading(cells, header, MEASURED, line, config.timezone);
        interval.see(reading.uuid, reading.timeMs);
        feedNvidiaSmi(
          reading,
          host,
          agg,
          labels,
          findings,
          owners.at(reading.uuid, reading.timeMs),
        );
        tally.accepted(null);
      } catch (err) {
        if (!(err instanceof NvidiaSmiParseError)) throw err;
        tally.rejectedRow(line, [{ file, line, column: err.field, reason: err.reason }]);
        if (tally.overLimit) {
          await copy.end();
          return { gpuRows: copy.rows, samples };
        }
      }
    }
    const seconds = config.intervalSeconds ?? interval.seconds() ?? 1;
    if (!config.intervalSeconds && interval.seconds() === undefined) {
      note(findings, `${path.basename(file)}: one reading per GPU; interval taken as 1 s`);
    }
    for (const bucket of agg.drain()) {
      const wait = copy.write(gpuUsageRow(bucket, seconds));
      if (wait) await wait;
    }
    samples += agg.samples;
  }
  await copy.end();
  return { gpuRows: copy.rows, samples };
}

/** One compute-apps log into `owners`; false when the run is over its reject limit. */
async function readComputeApps(
  file: string,
  zone: string,
  owners: GpuProcessOwners,
  tally: ImportTally,
): Promise<boolean> {
  let header: HeaderField[] | undefined;
  for await (const { text, line } of fileLines(file)) {
    const cells = splitCells(text);
    try {
      if (isComputeAppsHeader(cells)) {
        header = parseHeader(cells, line, ['gpu_uuid', 'pid', 'process_name']);
        continue;
      }
      owners.add(cells, header!, line, zone);
      tally.accepted(null);
    } catch (err) {
      if (!(err instanceof NvidiaSmiParseError)) throw err;
      tally.rejectedRow(line, [{ file, line, column: err.field, reason: err.reason }]);
      if (tally.overLimit) return false;
    }
  }
  return true;
}
