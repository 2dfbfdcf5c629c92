import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FailureLimiter } from '../../src/auth/failure-limiter.js';

describe('authentication failure limiter', () => {
  it('limits a key after the limit within the window, then lets it try again', () => {
    let now = 0;
    const limiter = new FailureLimiter(3, 60_000, () => now);
    for (let i = 0; i < 3; i++) {
      assert.equal(limiter.retryAfter('a'), 0);
      limiter.fail('a');
      now += 1_000;
    }
    assert.equal(limiter.retryAfter('a'), 57); // oldest failure at 0 s leaves the window at 60 s
    assert.equal(limiter.retryAfter('b'), 0, 'other keys are not affected');
    now = 60_001;
    assert.equal(limiter.retryAfter('a'), 0);
  });

  it('keeps a key limited while failures go on, remembering only the last `limit` of them', () => {
    let now = 0;
    const limiter = new FailureLimiter(3, 60_000, () => now);
    for (let i = 0; i < 1000; i++) {
      limiter.fail('a');
      now += 1_000;
    }
    // The last three failures were at 997, 998 and 999 s: limited until 1057 s.
    assert.equal(limiter.retryAfter('a'), 57);
    now = 1_057_001;
    assert.equal(limiter.retryAfter('a'), 0);
  });

  it('forgets the least recently failed keys beyond its bound', () => {
    const limiter = new FailureLimiter(1, 60_000, () => 0, 10);
    for (let i = 0; i < 10; i++) limiter.fail(`k${i}`);
    limiter.fail('k0');
    limiter.fail('k10'); // 11 keys: the bound is 10, pruning frees a tenth of it
    assert.equal(limiter.retryAfter('k1'), 0, 'the least recently failed are forgotten');
    assert.equal(limiter.retryAfter('k2'), 0);
    for (const kept of ['k0', 'k3', 'k9', 'k10']) assert.ok(limiter.retryAfter(kept) > 0, kept);
  });
});
