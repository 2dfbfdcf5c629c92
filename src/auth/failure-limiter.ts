/** Too many bad credentials from one client or at one token; answered 429 with Retry-After. */
export class TooManyAuthFailuresError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`too many failed authentications; retry in ${retryAfterSeconds} s`);
    this.name = 'TooManyAuthFailuresError';
  }
}

/**
 * Counts failures per key (a client address, a credential fingerprint): after `limit` failures
 * within `windowMs` the key is limited until the oldest of its last `limit` failures leaves the
 * window. Only the last `limit` failures of a key are kept and at most `maxKeys` keys (oldest
 * forgotten first), so an attack cannot grow memory. In memory, per process: each replica limits
 * on its own, which still bounds guessing to limit x replicas per window.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = 10,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  /** Seconds the key must wait, or 0 when it is not limited. */
  retryAfter(key: string): number {
    const recent = this.recent(key);
    if (recent.length < this.limit) return 0;
    return Math.max(1, Math.ceil((recent[0]! + this.windowMs - this.now()) / 1000));
  }

  fail(key: string): void {
    const recent = this.recent(key);
    recent.push(this.now());
    // Re-inserted so that the Map's order is least recently failed first.
    this.failures.delete(key);
    this.failures.set(key, recent.slice(-this.limit));
    if (this.failures.size > this.maxKeys) this.prune();
  }

  /** Forgets every failure: lifts all limits at once. */
  clear(): void {
    this.failures.clear();
  }

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > since);
  }

  /**
   * Drops keys from the least recently failed on: every expired one, and live ones until a tenth
   * of the bound is free, so that pruning runs once per many new keys, not on every failure.
   */
  private prune(): void {
    const keep = Math.floor(this.maxKeys * 0.9);
    const since = this.now() - this.windowMs;
    for (const [key, times] of this.failures) {
      if (times[times.length - 1]! > since && this.failures.size <= keep) break;
      this.failures.delete(key);
    }
  }
}
