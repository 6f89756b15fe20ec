/**
 * How a Nest handler hands its deliveries to the harness: the controller injects this sink and calls
 * `deliver` after acking, the adapter points the sink at the current round's tracker.
 */
import type { MessagingAdapter } from '../../harness/messaging-adapter.js';
import { readStampObject, type Stamp } from '../../harness/payload-stamp.js';

export const BENCH_SINK = Symbol('BENCH_SINK');
export const BENCH_CLIENT = 'BENCH_CLIENT';

export class BenchSink {
  handler: ((stamp: Stamp) => void) | null = null;

  deliver(data: unknown): void {
    const stamp = readStampObject(data);
    if (stamp !== null) this.handler?.(stamp);
  }
}

/**
 * The part every Nest contender shares: the consumer is a running Nest app whose handler feeds the sink, so
 * starting and stopping a round only points the sink at the tracker (a Nest app does not pause; deliveries
 * between rounds are acked and dropped). `close` closes the apps, then runs `afterClose` (queue cleanup).
 */
export abstract class NestSinkAdapter implements MessagingAdapter {
  constructor(
    readonly serverPids: readonly number[],
    protected readonly sink: BenchSink,
    private readonly apps: readonly { close(): Promise<void> }[],
  ) {}

  abstract send(stamp: Stamp): Promise<void>;

  async startConsumer(onMessage: (stamp: Stamp) => void): Promise<void> {
    this.sink.handler = onMessage;
  }

  async stopConsumer(): Promise<void> {
    this.sink.handler = null;
  }

  async purge(): Promise<void> {
    // The running consumer already consumed whatever an earlier round left.
  }

  async close(): Promise<void> {
    this.sink.handler = null;
    try {
      await Promise.allSettled(this.apps.map((app) => app.close()));
    } finally {
      await this.afterClose();
    }
  }

  protected async afterClose(): Promise<void> {}
}
