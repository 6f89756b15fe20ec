import { notYetBuilt, type ContenderSlot } from '../../harness/index.js';
import type { FlushMode } from './rocketnest-broker.js';

/** Apache RocketMQ's broker (from the interop scripts) driven by our client: W1-W6's first peer. */
export function apacheRocketmqWindow(inFlight: number, flush: FlushMode = 'ASYNC_FLUSH'): ContenderSlot {
  return notYetBuilt(
    `apache-rocketmq${flush === 'SYNC_FLUSH' ? '-sync' : ''}/window-${inFlight}`,
    `Apache RocketMQ broker, ${flush} (our client)`,
  );
}
