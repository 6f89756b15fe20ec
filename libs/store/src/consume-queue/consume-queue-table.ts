/** All ConsumeQueues of the store, by topic then queueId (consumequeue/<topic>/<queueId>/). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '@rocketnest/protocol';
import { ConsumeQueue } from './consume-queue.js';

export interface ConsumeQueueTableOptions {
  readonly rootDir: string;
  readonly entriesPerFile: number;
  readonly cacheBlockEntries: number;
  readonly logger: Logger;
}

export class ConsumeQueueTable {
  private readonly table = new Map<string, Map<number, ConsumeQueue>>();

  constructor(private readonly options: ConsumeQueueTableOptions) {}

  /** Loads every queue directory (startup). */
  loadSync(): void {
    fs.mkdirSync(this.options.rootDir, { recursive: true });
    for (const topic of fs.readdirSync(this.options.rootDir)) {
      const topicDir = path.join(this.options.rootDir, topic);
      if (!fs.statSync(topicDir).isDirectory()) continue;
      for (const queueDir of fs.readdirSync(topicDir)) {
        if (!/^\d+$/.test(queueDir)) continue;
        const queue = this.findOrCreate(topic, Number(queueDir));
        queue.loadSync();
      }
    }
  }

  find(topic: string, queueId: number): ConsumeQueue | undefined {
    return this.table.get(topic)?.get(queueId);
  }

  findOrCreate(topic: string, queueId: number): ConsumeQueue {
    let queues = this.table.get(topic);
    if (queues === undefined) {
      queues = new Map();
      this.table.set(topic, queues);
    }
    let queue = queues.get(queueId);
    if (queue === undefined) {
      queue = new ConsumeQueue(topic, queueId, this.options);
      queues.set(queueId, queue);
    }
    return queue;
  }

  *all(): IterableIterator<ConsumeQueue> {
    for (const queues of this.table.values()) yield* queues.values();
  }

  topics(): string[] {
    return [...this.table.keys()];
  }

  queuesOf(topic: string): ConsumeQueue[] {
    return [...(this.table.get(topic)?.values() ?? [])];
  }

  /** Largest maxPhysicOffset over all queues (-1 when none). */
  maxPhysicOffset(): number {
    let max = -1;
    for (const queue of this.all()) if (queue.maxPhysicOffset > max) max = queue.maxPhysicOffset;
    return max;
  }

  /** Deletes a topic's queues and files (admin DELETE_TOPIC). */
  async deleteTopic(topic: string): Promise<void> {
    const queues = this.table.get(topic);
    if (queues === undefined) return;
    this.table.delete(topic);
    for (const queue of queues.values()) await queue.fileQueue.destroyAll();
    await fs.promises.rm(path.join(this.options.rootDir, topic), { recursive: true, force: true });
  }

  async close(): Promise<void> {
    for (const queue of this.all()) await queue.close();
  }
}
