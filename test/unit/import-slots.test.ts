import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ImportsBusyError } from '../../src/ingestion/import-errors.js';
import { ImportSlots } from '../../src/ingestion/import-slots.js';

/** A job that runs until `finish()` is called; `started` says whether it got a slot yet. */
function job() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const state = { started: false, finish };
  return { state, work: () => ((state.started = true), done) };
}

describe('import slots', () => {
  it('runs up to the limit at once, queues up to the queue limit, and refuses beyond it', async () => {
    const slots = new ImportSlots(2, 1);
    const [a, b, c] = [job(), job(), job()];
    const running = [a, b, c].map((j) => slots.run(j.work, true));
    await Promise.resolve();
    assert.deepEqual(
      [a, b, c].map((j) => j.state.started),
      [true, true, false],
    );
    await assert.rejects(
      slots.run(async () => 'never', true),
      (err: unknown) => err instanceof ImportsBusyError && err.retryAfterSeconds > 0,
    );
    a.state.finish();
    await running[0];
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(c.state.started, true, 'the queued job takes the freed slot');
    b.state.finish();
    c.state.finish();
    await Promise.all(running);
  });

  it('lets callers that may wait queue past the queue limit, and frees slots on failure', async () => {
    const slots = new ImportSlots(1, 0);
    const first = job();
    const running = slots.run(first.work, false);
    const waiting = slots.run(async () => {
      throw new Error('boom');
    }, false);
    first.state.finish();
    await running;
    await assert.rejects(waiting, /boom/);
    assert.equal(await slots.run(async () => 'free again', true), 'free again');
  });
});
