import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// The bin users run (its shebang sets the CLI's heap options).
const CLI = path.join(root, 'bin', 'finops.js');

/**
 * Runs the real CLI as a child process, timed end to end (start-up included), sampling
 * /proc VmHWM (the kernel's peak-RSS counter) until it exits. Fails on a non-zero exit.
 */
export async function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ seconds: number; peakRssMB: number; stdout: string }> {
  const started = process.hrtime.bigint();
  const child = spawn(CLI, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let peakKB = 0;
  const status = `/proc/${child.pid}/status`;
  const timer = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(status, 'utf8'));
      if (m) peakKB = Math.max(peakKB, Number(m[1]));
    } catch {
      /* process gone */
    }
  }, 20);
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`finops ${args[0]} exited ${code}`);
  return {
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    peakRssMB: peakKB / 1024,
    stdout,
  };
}
