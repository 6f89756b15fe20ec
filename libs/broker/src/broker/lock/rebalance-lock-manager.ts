/**
 * Queue locks of orderly consumers (broker-semantics.md 7.2): one client per (group, queue); a lock not
 * renewed within `lockMaxLiveTimeMs` (60 s) may be taken by another client. In memory only: after a
 * restart clients lock again within their renewal period.
 */
import { MessageQueue, messageQueueKey } from '@rocketnest/protocol';

interface LockEntry {
  clientId: string;
  lastUpdateTimestamp: number;
}

export class RebalanceLockManager {
  private readonly table = new Map<string, Map<string, LockEntry>>();

  constructor(private readonly lockMaxLiveTimeMs: number) {}

  /** Locks what it can for `clientId`; returns the queues the client now holds. */
  tryLockBatch(group: string, queues: readonly MessageQueue[], clientId: string, now = Date.now()): MessageQueue[] {
    let locks = this.table.get(group);
    if (locks === undefined) {
      locks = new Map();
      this.table.set(group, locks);
    }
    const granted: MessageQueue[] = [];
    for (const queue of queues) {
      const key = messageQueueKey(queue);
      const entry = locks.get(key);
      if (
        entry === undefined ||
        entry.clientId === clientId ||
        now - entry.lastUpdateTimestamp > this.lockMaxLiveTimeMs
      ) {
        locks.set(key, { clientId, lastUpdateTimestamp: now });
        granted.push(queue);
      }
    }
    return granted;
  }

  /** Releases the queues held by `clientId` (others' locks are untouched). */
  unlockBatch(group: string, queues: readonly MessageQueue[], clientId: string): void {
    const locks = this.table.get(group);
    if (locks === undefined) return;
    for (const queue of queues) {
      const key = messageQueueKey(queue);
      if (locks.get(key)?.clientId === clientId) locks.delete(key);
    }
    if (locks.size === 0) this.table.delete(group);
  }

  holder(group: string, queue: MessageQueue, now = Date.now()): string | undefined {
    const entry = this.table.get(group)?.get(messageQueueKey(queue));
    return entry === undefined || now - entry.lastUpdateTimestamp > this.lockMaxLiveTimeMs ? undefined : entry.clientId;
  }
}
