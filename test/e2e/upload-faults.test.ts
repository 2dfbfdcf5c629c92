import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { once } from 'node:events';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { SAMPLE_CSV } from '../support/fixtures.js';
import { focusCsv } from '../support/focus-lines.js';
import { createUploadApp } from '../support/upload-app.js';
import { SourceConfig } from '../../src/config/app-config.js';

const awsSource = {
  name: 'aws-main',
  kind: 'aws-cost-explorer',
  region: 'us-east-1',
  groupBy: ['SERVICE'],
  tagKeys: [],
  maxRequests: 10,
  restatementDays: 5,
  enabled: true,
} as SourceConfig;
/** Spool folders as a killed service and a live one (the test runner) left them. */
function leftSpool(pid: number): string {
  const dir = path.join(os.tmpdir(), `finops-upload-${pid}-left`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'upload'), 'half an upload');
  return dir;
}
const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
const ofDead = leftSpool(deadPid);
const ofLive = leftSpool(process.ppid);
const service = await createUploadApp({ uploadMaxBytes: 64 * 1024 * 1024, sources: [awsSource] });

/** This process's spool folders (the service runs in-process in these tests). */
const spoolDirs = () =>
  readdirSync(os.tmpdir()).filter((d) => d.startsWith(`finops-upload-${process.pid}-`));

function openFiles(): { all: number; spooled: number } {
  let all = 0;
  let spooled = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      all++;
      if (target.includes('finops-upload-')) spooled++;
    } catch {
      // the fd readdir itself used is gone by now
    }
  }
  return { all, spooled };
}

async function until<T>(what: string, probe: () => T | undefined, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('uploads that fail', () => {
  it(
    'a client aborting a 40 MB upload mid-body leaves the service up and no spool file',
    { timeout: 120_000 },
    async () => {
      const boundary = 'finops-test-boundary';
      const head =
        `--${boundary}\r\nContent-Disposition: form-data; name="source"\r\n\r\naborted\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n` +
        `Content-Type: text/csv\r\n\r\n`;
      const size = 40 * 1024 * 1024;
      const req = http.request(`${service.base}/api/imports`, {
        method: 'POST',
        headers: {
          ...service.admin,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(head.length + size + `\r\n--${boundary}--\r\n`.length),
        },
      });
      const failed = once(req, 'error').catch(() => undefined); // we destroy it ourselves
      req.write(head);
      const chunk = Buffer.alloc(1024 * 1024, 'a');
      for (let i = 0; i < 8; i++) if (!req.write(chunk)) await once(req, 'drain');
      // Wait until the service is spooling the body, then cut the connection mid-body.
      await until('the upload to be spooled', () => {
        const [dir] = spoolDirs();
        if (!dir) return undefined;
        try {
          return statSync(path.join(os.tmpdir(), dir, 'upload')).size > 0 ? true : undefined;
        } catch {
          return undefined;
        }
      });
      req.destroy();
      await failed;
      await until('the spool to be removed', () => (spoolDirs().length === 0 ? true : undefined));
      const health = await fetch(`${service.base}/health`);
      assert.equal(health.status, 200);
    },
  );

  it(
    '150 rejected uploads (bad header, too many bad rows, broken gzip) leave open files and spool flat',
    { timeout: 180_000 },
    async () => {
      const badHeader = 'Foo,Bar\n' + 'x,y\n'.repeat(100_000);
      const badRows = focusCsv(
        Array.from({ length: 3000 }, () => ({ billed: 'abc', effective: '1' })),
        '2024-05',
      );
      const gz = gzipSync(readFileSync(SAMPLE_CSV).toString().repeat(40));
      gz.fill(0x55, 200, 400); // the deflate stream breaks early; most of the file is never read
      assert.ok(gz.length > 128 * 1024);
      const before = openFiles();
      for (let i = 0; i < 50; i++) {
        for (const [body, name] of [
          [badHeader, 'header.csv'],
          [badRows, 'rows.csv'],
          [gz, 'broken.csv.gz'],
        ] as const) {
          const res = await service.upload(body, { source: 'rejected' }, name);
          await res.body?.cancel();
          // The broken gzip's status is the reader's concern; here only that it is refused.
          assert.ok(res.status >= 400, `${name}: ${res.status}`);
        }
      }
      const after = openFiles();
      assert.equal(after.spooled, 0, 'open files in spooled uploads');
      assert.ok(after.all - before.all < 30, `open files ${before.all} -> ${after.all}`);
      assert.deepEqual(spoolDirs(), []);
    },
  );
});

describe('the upload spool', () => {
  it('a start removes the spool folders of dead processes and keeps those of live ones', () => {
    try {
      assert.equal(existsSync(ofDead), false, `${ofDead} of dead pid ${deadPid} is still there`);
      assert.equal(existsSync(ofLive), true);
    } finally {
      rmSync(ofLive, { recursive: true, force: true });
    }
  });
});

describe('uploads go only to file sources', () => {
  it('refuses an upload to a configured cloud source with 409 naming it and its kind', async () => {
    const res = await service.upload(readFileSync(SAMPLE_CSV), { source: 'aws-main' });
    const body = (await res.json()) as { error: string; message: string };
    assert.equal(res.status, 409);
    assert.equal(body.error, 'source_kind_mismatch');
    assert.match(body.message, /"aws-main".*aws-cost-explorer/);
    const [row] = (await service.db.query(
      `SELECT count(*)::int AS n FROM billing_source WHERE name = 'aws-main'`,
    )) as { n: number }[];
    assert.equal(row!.n, 0, 'the upload registered the cloud source as a file source');
  });

  it('refuses an upload to a known source of another kind', async () => {
    await service.db.query(
      `INSERT INTO billing_source (name, kind) VALUES ('gpu-metrics', 'prometheus')`,
    );
    const res = await service.upload(readFileSync(SAMPLE_CSV), { source: 'gpu-metrics' });
    const body = (await res.json()) as { error: string; message: string };
    assert.equal(res.status, 409);
    assert.match(body.message, /"gpu-metrics".*prometheus/);
  });
});
