/**
 * How a Nest handler hands its deliveries to the harness: the controller injects this sink and calls
 * `deliver` after acking, the adapter points the sink at the current round's tracker.
 */
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
