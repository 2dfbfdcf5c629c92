import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { after } from 'node:test';
import { CLI, MAIN } from './fixtures.js';

/**
 * fetch on a fresh connection: a kept-alive socket that the server has closed meanwhile (its 5 s
 * keep-alive timeout, on a busy machine) is never reused, so no request fails with ECONNRESET.
 */
export function freshFetch(
  url: string,
  init: { method?: string; body?: FormData; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(url, { ...init, headers: { ...init.headers, connection: 'close' } });
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: string | null }>;
  log(): string;
}

/** Starts `npm start`'s process and resolves once /health answers 200 on `PORT`. */
export async function startService(env: NodeJS.ProcessEnv): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  // A failed assertion must not leave the service (and this test file) running.
  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${env['PORT']}`;
  await waitUntil('the service to answer /health', async () => {
    if (child.exitCode !== null) throw new Error(`service exited (${child.exitCode})`);
    return freshFetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
  }).catch((err: Error) => {
    throw new Error(`${err.message}:\n${log}`);
  });
  return { child, url, exited, log: () => log };
}

/** Polls `probe` until it holds; the bound is generous because CI machines are busy. */
export async function waitUntil(what: string, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `finops ARGS` without blocking this process's event loop (HTTP clients keep working). */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return runProcess(process.execPath, [CLI, ...args], { env });
}

export function runProcess(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string },
): Promise<CliResult> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * The environment of a fresh machine: no DATABASE_URL, no sources configured, the data under
 * `dataDir`; `extra` adds or overrides variables.
 */
export function freshMachineEnv(
  port: number,
  dataDir: string,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    FINOPS_DATA_DIR: dataDir,
    FINOPS_CONFIG_DIR: path.join(dataDir, 'no-config'),
    LOG_LEVEL: 'info',
    ...extra,
  };
  delete e['DATABASE_URL'];
  return e;
}
