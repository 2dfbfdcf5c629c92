import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Browser, chromium } from 'playwright-core';

/** Debian's chromium (CI installs it), or CHROMIUM_PATH. */
function chromiumPath(): string | undefined {
  if (process.env['CHROMIUM_PATH']) return process.env['CHROMIUM_PATH'];
  for (const bin of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).trim();
    } catch {
      // try the next name
    }
  }
  return undefined;
}

export const CHROMIUM = chromiumPath();
/** Why browser tests cannot run here, or false when they can. */
export const SKIP_BROWSER = CHROMIUM
  ? false
  : 'chromium is not installed (apt-get install -y chromium); the browser tests cannot run';
if (SKIP_BROWSER) console.log(`# SKIP browser tests: ${SKIP_BROWSER}`);

/** Screenshots of each page go here (git-ignored). */
export const ARTIFACTS = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../test/artifacts',
);

/** A headless chromium driven by playwright-core, closed after the file's tests. */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM!,
    // Containers (CI) run as root without user namespaces.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  after(() => browser.close());
  return browser;
}
