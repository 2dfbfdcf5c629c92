import { once } from 'node:events';
import { finished } from 'node:stream/promises';

/**
 * A COPY FROM STDIN stream fed line by line: lines are batched into writes of `flushBytes`, and
 * a write the stream cannot take yet makes the caller wait for `drain` (back-pressure). Stream
 * errors surface through those waits and `end()`; the listener keeps them from being uncaught.
 */
export class BufferedCopy {
  private pending = '';
  rows = 0;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly flushBytes = 32 * 1024,
  ) {
    stream.on('error', () => undefined);
  }

  /** Queues one COPY line; returns a promise only when the caller must wait. */
  push(line: string): Promise<void> | undefined {
    this.pending += line;
    this.rows++;
    if (this.pending.length < this.flushBytes) return undefined;
    const chunk = this.pending;
    this.pending = '';
    return this.stream.write(chunk) ? undefined : once(this.stream, 'drain').then(() => undefined);
  }

  /** Sends what is queued and waits for the server to accept the COPY. */
  async end(): Promise<void> {
    if (this.pending) this.stream.write(this.pending);
    this.pending = '';
    this.stream.end();
    await finished(this.stream);
  }

  /** Abandons the COPY (pg-copy-streams sends CopyFail) and waits for the server's answer. */
  async destroy(): Promise<void> {
    (this.stream as unknown as { destroy(e?: Error): void }).destroy();
    await finished(this.stream).catch(() => undefined);
  }
}
