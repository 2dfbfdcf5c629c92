import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CLI } from '../support/fixtures.js';

const dir = path.join(path.dirname(path.dirname(CLI)), 'migrations');
/** migrations/checksums.json: the sha256 of every landed migration, committed with it. */
const pinned = JSON.parse(readFileSync(path.join(dir, 'checksums.json'), 'utf8')) as Record<
  string,
  string
>;
const sha256 = (file: string) =>
  createHash('sha256')
    .update(readFileSync(path.join(dir, file)))
    .digest('hex');

describe('migrations are append-only', () => {
  it('no landed migration has changed since it was pinned', () => {
    for (const [file, sum] of Object.entries(pinned)) {
      assert.equal(sha256(file), sum, `${file} was edited: add a new migration instead`);
    }
  });

  it('every migration file is pinned in migrations/checksums.json', () => {
    // index.ts only lists the migrations, so it grows with each one and is not pinned.
    const files = readdirSync(dir).filter((f) => /^\d+-\w+\.ts$/.test(f));
    const missing = files.filter((f) => !(f in pinned));
    assert.deepEqual(missing, [], 'add new migrations to migrations/checksums.json');
    assert.ok(files.length >= 12);
  });
});
