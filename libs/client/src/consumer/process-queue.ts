/**
 * The messages pulled for one queue and not yet consumed (Java ProcessQueue). The committed offset of a
 * concurrent consumer is the smallest offset still here (or the last one + 1 when empty), so an offset
 * never passes a message still in flight (broker-semantics.md 3.3).
 */
import type { MessageQueue } from '@rocketnest/protocol';
import type { MessageExt } from '../message/message.js';

export class ProcessQueue {
  private readonly messages = new Map<number, MessageExt>();
  /** Offsets in arrival (= ascending) order; removed ones are skipped lazily. */
  private readonly order: number[] = [];
  private head = 0;
  private maxOffset = -1;
  private bytes = 0;
  dropped = false;
  /** Orderly: the broker lock is held, and when it was last renewed. */
  locked = false;
  lastLockTimestamp = 0;
  lastPullTimestamp = Date.now();
  /** Orderly: one listener at a time per queue. */
  consuming = false;

  constructor(readonly queue: MessageQueue) {}

  get size(): number {
    return this.messages.size;
  }

  get cachedBytes(): number {
    return this.bytes;
  }

  /** Offset span between the first and last cached message. */
  get span(): number {
    const first = this.firstOffset();
    return first === undefined ? 0 : this.maxOffset - first;
  }

  put(messages: readonly MessageExt[]): void {
    for (const message of messages) {
      if (this.messages.has(message.queueOffset)) continue;
      this.messages.set(message.queueOffset, message);
      this.order.push(message.queueOffset);
      this.bytes += message.body.length;
      if (message.queueOffset > this.maxOffset) this.maxOffset = message.queueOffset;
    }
  }

  /** Removes consumed messages; returns the offset to commit (-1 when nothing was ever cached). */
  remove(messages: readonly MessageExt[]): number {
    for (const message of messages) {
      const cached = this.messages.get(message.queueOffset);
      if (cached === undefined) continue;
      this.messages.delete(message.queueOffset);
      this.bytes -= cached.body.length;
    }
    const first = this.firstOffset();
    if (first !== undefined) return first;
    return this.maxOffset < 0 ? -1 : this.maxOffset + 1;
  }

  /** The smallest cached offset. */
  firstOffset(): number | undefined {
    while (this.head < this.order.length && !this.messages.has(this.order[this.head]!)) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
    return this.head < this.order.length ? this.order[this.head] : undefined;
  }

  /** Orderly: the next message in offset order, without removing it. */
  peekFirst(): MessageExt | undefined {
    const first = this.firstOffset();
    return first === undefined ? undefined : this.messages.get(first);
  }

  clear(): void {
    this.messages.clear();
    this.order.length = 0;
    this.head = 0;
    this.bytes = 0;
  }
}
