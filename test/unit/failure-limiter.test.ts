import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FailureLimiter } from '../../src/auth/failure-limiter.js';

describe('authentication failure limiter', () => {
  it('blocks a client after the limit within the window, then lets it try again', () => {
    let now = 0;
    const limiter = new FailureLimiter(3, 60_000, () => now);
    for (let i = 0; i < 3; i++) {
      assert.equal(limiter.retryAfter('a'), 0);
      limiter.fail('a');
      now += 1_000;
    }
    assert.equal(limiter.retryAfter('a'), 57); // oldest failure at 0 s leaves the window at 60 s
    assert.equal(limiter.retryAfter('b'), 0, 'other clients are not affected');
    now = 60_001;
    assert.equal(limiter.retryAfter('a'), 0);
  });
});
