/**
 * Which queue a send goes to (broker-semantics.md 7.1, 10.2, 10.3): round robin over the topic's publish
 * queues, skipping the broker of the previous failed attempt and, with fault avoidance on, brokers that
 * were slow or failing; and the user selectors for ordered sends, whose choice is final (never retried).
 */
import { MessageQueue, javaStringHashCode } from '@rocketnest/protocol';
import type { Message } from '../message/message.js';
import { LatencyFaultTolerance } from './latency-fault.js';

/** Picks the queue of an ordered send from the topic's publish queues (TopicPublishInfo order). */
export type QueueSelector = (queues: readonly MessageQueue[], message: Message) => MessageQueue;

/** Java `SelectMessageQueueByHash`: queue `|javaHashCode(key) % n|`, so one key always gets one queue. */
export function selectQueueByKey(queues: readonly MessageQueue[], key: string): MessageQueue {
  if (queues.length === 0) throw new RangeError('no queue to select from');
  let index = javaStringHashCode(key) % queues.length;
  if (index < 0) index = -index;
  return queues[index]!;
}

/** A QueueSelector hashing a fixed sharding key (the `arg` of Java's `send(msg, selector, arg)`). */
export function selectMessageQueueByHash(key: string): QueueSelector {
  return (queues) => selectQueueByKey(queues, key);
}

/** Java `SelectMessageQueueByRandom`. */
export const selectMessageQueueByRandom: QueueSelector = (queues) => queues[Math.floor(Math.random() * queues.length)]!;

/** Java MQFaultStrategy: the round-robin position per topic plus the optional latency fault table. */
export class QueueSelection {
  private readonly counters = new Map<string, number>();
  private readonly faults: LatencyFaultTolerance | null;

  constructor(faultAvoidance: boolean) {
    this.faults = faultAvoidance ? new LatencyFaultTolerance() : null;
  }

  /** The queue of the next attempt; `lastBroker` is the broker the previous attempt failed on. */
  select(topic: string, queues: readonly MessageQueue[], lastBroker: string | undefined): MessageQueue {
    const n = queues.length;
    if (n === 0) throw new RangeError(`no publish queue for ${topic}`);
    const start = this.next(topic);
    const faults = this.faults;
    if (faults !== null) {
      for (let i = 0; i < n; i++) {
        const queue = queues[(start + i) % n]!;
        if (queue.brokerName !== lastBroker && faults.isAvailable(queue.brokerName)) return queue;
      }
      for (let i = 0; i < n; i++) {
        const queue = queues[(start + i) % n]!;
        if (faults.isAvailable(queue.brokerName)) return queue;
      }
      // Every broker is avoided: use the least bad one that still hosts the topic.
      const least = faults.pickOneAtLeast();
      const ofLeast = least === undefined ? [] : queues.filter((q) => q.brokerName === least);
      if (ofLeast.length > 0) return ofLeast[start % ofLeast.length]!;
      if (least !== undefined) faults.remove(least);
    }
    for (let i = 0; i < n; i++) {
      const queue = queues[(start + i) % n]!;
      if (queue.brokerName !== lastBroker) return queue;
    }
    return queues[start % n]!;
  }

  /** Records an attempt's latency (fault avoidance only); `isolate` for network and client failures. */
  record(brokerName: string, latencyMs: number, isolate: boolean): void {
    this.faults?.update(brokerName, latencyMs, isolate);
  }

  private next(topic: string): number {
    // Java starts each topic's counter at a random position so producers do not all begin on queue 0.
    const value = (this.counters.get(topic) ?? Math.floor(Math.random() * 1024)) + 1;
    this.counters.set(topic, value % 0x7fffffff);
    return value;
  }
}
