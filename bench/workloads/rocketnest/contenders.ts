/**
 * Our side of every comparison, one function per contender. Each returns `notYetBuilt(...)` until the code it
 * measures has landed; then its body becomes a call to a workload file in this folder (see bench/README.md),
 * keeping the key, so the catalog and the peer table pick it up unchanged.
 */
import { notYetBuilt, type ContenderSlot } from '../../harness/comparison.js';

export type FlushMode = 'ASYNC_FLUSH' | 'SYNC_FLUSH';

/** W1/W2/W5/W6 and the 1000-in-flight column: sync sends with a window, concurrent push consumer. */
export function rocketnestWindow(inFlight: number, flush: FlushMode = 'ASYNC_FLUSH'): ContenderSlot {
  return flush === 'ASYNC_FLUSH'
    ? notYetBuilt(`rocketnest/window-${inFlight}`, 'Rocketnest, ASYNC_FLUSH')
    : notYetBuilt(`rocketnest-sync/window-${inFlight}`, 'Rocketnest, SYNC_FLUSH');
}

/** W5: 2000 msg/s open loop, latency from the scheduled send time. */
export function rocketnestFixedRate(perSecond: number): ContenderSlot {
  return notYetBuilt(`rocketnest/rate-${perSecond}`, 'Rocketnest, ASYNC_FLUSH');
}

/** W6: backlog written first, then one consumer drains it. */
export function rocketnestDrain(): ContenderSlot {
  return notYetBuilt('rocketnest/drain', 'Rocketnest, ASYNC_FLUSH');
}

/** W4: batch send, 16 x 1 KiB per batch, 8 batches in flight. */
export function rocketnestBatch(): ContenderSlot {
  return notYetBuilt('rocketnest-batch/batch-16x8', 'Rocketnest batch send');
}

/** W7: transactional send (half + commit), 32 in flight, 10% settled by check-back. */
export function rocketnestTransactional(): ContenderSlot {
  return notYetBuilt('rocketnest-tx/window-32', 'Rocketnest transactional send');
}

/** W8: sharding key over 8 queues, orderly consumer; reports extra.orderViolations. */
export function rocketnestOrderly(): ContenderSlot {
  return notYetBuilt('rocketnest-orderly/window-64', 'Rocketnest orderly');
}

/** W9: ClientRocketMQ.emit -> @Topic handler, same broker as the raw client. */
export function rocketnestNest(inFlight: number): ContenderSlot {
  return notYetBuilt(`rocketnest-nest/window-${inFlight}`, 'Rocketnest Nest transport (emit -> @Topic)');
}

/** W10: kill -9 with 1 GiB of commit log, time to the first successful send; reports extra.restartMsPerGiB. */
export function rocketnestRestart(): ContenderSlot {
  return notYetBuilt('rocketnest-restart/1gib', 'Rocketnest restart after kill -9');
}

/** Apache RocketMQ's broker (from the interop scripts) driven by our client: W1-W6's first peer. */
export function apacheRocketmqWindow(inFlight: number, flush: FlushMode = 'ASYNC_FLUSH'): ContenderSlot {
  return notYetBuilt(
    `apache-rocketmq${flush === 'SYNC_FLUSH' ? '-sync' : ''}/window-${inFlight}`,
    `Apache RocketMQ broker, ${flush} (our client)`,
  );
}
