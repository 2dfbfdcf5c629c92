/** Too many bad tokens from one client; answered 429 with Retry-After. */
export class TooManyAuthFailuresError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`too many failed authentications; retry in ${retryAfterSeconds} s`);
    this.name = 'TooManyAuthFailuresError';
  }
}

/**
 * Slows token guessing: after `limit` failures from one client within `windowMs`, that client is
 * refused until the oldest failure leaves the window. In memory, per process: each replica limits
 * on its own, which still bounds guessing to limit x replicas per window.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = 10,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds the client must wait, or 0 when it may try. */
  retryAfter(client: string): number {
    const recent = this.recent(client);
    if (recent.length < this.limit) return 0;
    return Math.max(1, Math.ceil((recent[0]! + this.windowMs - this.now()) / 1000));
  }

  fail(client: string): void {
    const recent = this.recent(client);
    recent.push(this.now());
    this.failures.set(client, recent);
    if (this.failures.size > 10_000) this.prune();
  }

  /** Forgets every failure: lifts all lockouts at once. */
  clear(): void {
    this.failures.clear();
  }

  private recent(client: string): number[] {
    const since = this.now() - this.windowMs;
    return (this.failures.get(client) ?? []).filter((t) => t > since);
  }

  private prune(): void {
    for (const client of [...this.failures.keys()]) {
      if (this.recent(client).length === 0) this.failures.delete(client);
    }
  }
}
