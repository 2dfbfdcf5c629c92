import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { LOGGER } from '../logging/logger.js';
import { processAlive } from '../process-alive.js';

/** Spool folders are `<tmpdir>/finops-upload-<pid>-<random>`: the pid says whose they are. */
const SPOOL = /^finops-upload-(\d+)-/;

/** A private folder for one upload, named for this process. */
export function createSpoolDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `finops-upload-${process.pid}-`));
}

/**
 * Removes spool folders whose process is gone (killed mid-upload, crashed). Each upload removes
 * its own folder on every path; this is for the ones a dead process could not.
 */
export async function removeStaleSpools(): Promise<string[]> {
  const stale = (await readdir(os.tmpdir())).filter((name) => {
    const pid = Number(SPOOL.exec(name)?.[1] ?? NaN);
    return Number.isInteger(pid) && pid !== process.pid && !processAlive(pid);
  });
  for (const name of stale)
    await rm(path.join(os.tmpdir(), name), { recursive: true, force: true });
  return stale;
}

/** At start, clears the spool of uploads that died with their process. */
@Injectable()
export class UploadSpoolJanitor implements OnApplicationBootstrap {
  constructor(@Inject(LOGGER) private readonly log: Logger) {}

  async onApplicationBootstrap(): Promise<void> {
    const removed = await removeStaleSpools();
    if (removed.length > 0) {
      this.log.info(
        { event: 'upload.spool_reaped', folders: removed },
        'stale upload spool removed',
      );
    }
  }
}
