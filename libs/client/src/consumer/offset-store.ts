/**
 * Consumer offsets (broker-semantics.md 3.3-3.5): on the broker for clustering (kept in memory, persisted
 * with UPDATE_CONSUMER_OFFSET every few seconds and when a queue is dropped), in a local JSON file for
 * broadcasting. -1 = no offset, -2 = could not ask (skip the queue this round).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Logger, MessageQueue, messageQueueKey } from '@rocketnest/protocol';
import type { ClientInstance } from '../instance/client-instance.js';

export interface OffsetStore {
  load(): Promise<void>;
  /** The offset in memory, or from storage when asked (or when memory has none and `fromStore`). */
  read(queue: MessageQueue, fromStore: boolean): Promise<number>;
  readMemory(queue: MessageQueue): number;
  update(queue: MessageQueue, offset: number, increaseOnly: boolean): void;
  persist(queue: MessageQueue): Promise<void>;
  /** Periodic persistence: oneway on the broker path unless `oneway` is false (shutdown). */
  persistAll(queues: readonly MessageQueue[], oneway?: boolean): Promise<void>;
  remove(queue: MessageQueue): void;
}

abstract class MemoryOffsets {
  protected readonly table = new Map<string, { queue: MessageQueue; offset: number }>();

  readMemory(queue: MessageQueue): number {
    return this.table.get(messageQueueKey(queue))?.offset ?? -1;
  }

  update(queue: MessageQueue, offset: number, increaseOnly: boolean): void {
    const key = messageQueueKey(queue);
    const current = this.table.get(key);
    if (current === undefined) this.table.set(key, { queue, offset });
    else if (!increaseOnly || offset > current.offset) current.offset = offset;
  }

  remove(queue: MessageQueue): void {
    this.table.delete(messageQueueKey(queue));
  }
}

export class RemoteBrokerOffsetStore extends MemoryOffsets implements OffsetStore {
  constructor(
    private readonly instance: ClientInstance,
    private readonly group: string,
    private readonly logger: Logger,
  ) {
    super();
  }

  async load(): Promise<void> {}

  async read(queue: MessageQueue, fromStore: boolean): Promise<number> {
    if (!fromStore) {
      const memory = this.readMemory(queue);
      if (memory >= 0) return memory;
    }
    const addr = this.instance.brokers.master(queue.brokerName) ?? (await this.refreshAddr(queue));
    if (addr === undefined) return -2;
    try {
      const offset = await this.instance.api.queryConsumerOffset(addr, this.group, queue.topic, queue.queueId);
      if (offset >= 0) this.update(queue, offset, false);
      return offset;
    } catch (error) {
      this.logger.warn('query consumer offset failed', { queue: messageQueueKey(queue), error: String(error) });
      return -2;
    }
  }

  /** Synchronous: the next owner of a dropped queue must find the offset already on the broker. */
  persist(queue: MessageQueue): Promise<void> {
    return this.persistOne(queue, false);
  }

  private async persistOne(queue: MessageQueue, oneway: boolean): Promise<void> {
    const offset = this.readMemory(queue);
    const addr = this.instance.brokers.master(queue.brokerName);
    if (offset < 0 || addr === undefined) return;
    await this.instance.api.updateConsumerOffset(addr, this.group, queue.topic, queue.queueId, offset, oneway);
  }

  async persistAll(queues: readonly MessageQueue[], oneway = true): Promise<void> {
    await Promise.all(
      queues.map((queue) =>
        this.persistOne(queue, oneway).catch((error: unknown) =>
          this.logger.warn('persist offset failed', { queue: messageQueueKey(queue), error: String(error) }),
        ),
      ),
    );
  }

  private async refreshAddr(queue: MessageQueue): Promise<string | undefined> {
    await this.instance.updateTopicRoute(queue.topic);
    return this.instance.brokers.master(queue.brokerName);
  }
}

/** `<dir>/<clientId>/<group>/offsets.json`: {"offsetTable": {"<topic>@<broker>@<queueId>": offset}}. */
export class LocalFileOffsetStore extends MemoryOffsets implements OffsetStore {
  private readonly file: string;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    dir: string,
    clientId: string,
    group: string,
    private readonly logger: Logger,
  ) {
    super();
    this.file = path.join(dir, clientId.replace(/[^\w.@-]/g, '_'), group, 'offsets.json');
  }

  async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const parsed = JSON.parse(text) as { offsetTable?: Record<string, number> };
    for (const [key, offset] of Object.entries(parsed.offsetTable ?? {})) {
      const [topic, brokerName, queueId] = key.split('@');
      if (topic !== undefined && brokerName !== undefined && queueId !== undefined && Number.isSafeInteger(offset)) {
        this.update({ topic, brokerName, queueId: Number(queueId) }, offset, false);
      }
    }
  }

  async read(queue: MessageQueue, fromStore: boolean): Promise<number> {
    if (fromStore) await this.load();
    return this.readMemory(queue);
  }

  async persist(): Promise<void> {
    await this.persistAll();
  }

  persistAll(): Promise<void> {
    this.writing = this.writing.then(async () => {
      const offsetTable: Record<string, number> = {};
      for (const { queue, offset } of this.table.values())
        offsetTable[`${queue.topic}@${queue.brokerName}@${queue.queueId}`] = offset;
      try {
        await mkdir(path.dirname(this.file), { recursive: true });
        const tmp = `${this.file}.tmp`;
        await writeFile(tmp, JSON.stringify({ offsetTable }));
        await rename(tmp, this.file);
      } catch (error) {
        this.logger.warn('persist local offsets failed', { file: this.file, error: String(error) });
      }
    });
    return this.writing;
  }
}
