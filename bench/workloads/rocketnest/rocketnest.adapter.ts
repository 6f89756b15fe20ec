/**
 * Our client as a MessagingAdapter: a Producer sending 1 KiB stamped bodies and a PushConsumer acking each
 * message (listener returns, offset committed in the background), as a user of @rocketnest/client writes it.
 * One adapter per contender, on its own topic and group; the broker can be ours or Apache's.
 *
 * Send styles: `single` (Producer.send, resolves on SEND_OK), `sharded` (sharding key = seq mod KEYS, for
 * the orderly workload), `batch` (stamps grouped into sendBatch calls of `batchSize`), `transactional`
 * (half + END_TRANSACTION; every `unknownEvery`-th message is left to the check-back, which commits).
 */
import { Admin, Producer, PushConsumer, type Message } from '@rocketnest/client';
import type { MessagingAdapter } from '../../harness/messaging-adapter.js';
import { readStamp, stampedPayload, type Stamp } from '../../harness/payload-stamp.js';

export type SendStyle =
  | { readonly kind: 'single' }
  | { readonly kind: 'sharded'; readonly keys: number }
  | { readonly kind: 'batch'; readonly batchSize: number }
  | { readonly kind: 'transactional'; readonly unknownEvery: number };

export interface RocketnestAdapterOptions {
  readonly namesrvAddr: string;
  readonly serverPids: readonly number[];
  /** Unique per contender (benchName). */
  readonly name: string;
  readonly queueNums: number;
  readonly payloadBytes: number;
  readonly send: SendStyle;
  readonly consumeMode: 'concurrently' | 'orderly';
  /** Read the broker's commit-log fdatasync counter (ours only: Apache has no such runtime figure). */
  readonly fsyncCounter: boolean;
  /** Runs after the clients closed (stops the broker this adapter was started with). */
  readonly onClose?: () => Promise<void>;
}

interface PendingBatch {
  readonly messages: Message[];
  readonly settle: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
}

class RocketnestAdapter implements MessagingAdapter {
  private consumer: PushConsumer | null = null;
  private batch: PendingBatch | null = null;
  /** Orderly: last sequence seen per sharding key in the current run, and violations so far. */
  private lastByKey = new Map<number, number>();
  private orderRun = -1;
  private orderViolations = 0;

  constructor(
    private readonly options: RocketnestAdapterOptions,
    private readonly producer: Producer,
    private readonly admin: Admin,
  ) {}

  get serverPids(): readonly number[] {
    return this.options.serverPids;
  }

  private get topic(): string {
    return this.options.name;
  }

  async send(stamp: Stamp): Promise<void> {
    const style = this.options.send;
    const message: Message = { topic: this.topic, body: stampedPayload(stamp, this.options.payloadBytes) };
    switch (style.kind) {
      case 'single':
        await this.producer.send(message);
        return;
      case 'sharded':
        await this.producer.send(message, { shardingKey: String(stamp.seq % style.keys) });
        return;
      case 'batch':
        return this.addToBatch(message, style.batchSize);
      case 'transactional': {
        const leaveToCheck = stamp.seq % style.unknownEvery === style.unknownEvery - 1;
        const result = await this.producer.sendMessageInTransaction(message, () =>
          leaveToCheck ? 'unknown' : 'commit',
        );
        if (result.sendResult.sendStatus !== 'SEND_OK')
          throw new Error(`half message not stored: ${result.sendResult.sendStatus}`);
        return;
      }
    }
  }

  /** Groups sends into batches: a full batch goes at once, a partial one on the next turn of the event loop. */
  private addToBatch(message: Message, size: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.batch === null) {
        const fresh: PendingBatch = { messages: [], settle: [] };
        this.batch = fresh;
        setImmediate(() => this.flushBatch(fresh));
      }
      const batch = this.batch;
      batch.messages.push(message);
      batch.settle.push({ resolve, reject });
      if (batch.messages.length >= size) this.flushBatch(batch);
    });
  }

  private flushBatch(batch: PendingBatch): void {
    if (this.batch === batch) this.batch = null;
    if (batch.messages.length === 0) return;
    const messages = batch.messages.splice(0);
    const settle = batch.settle.splice(0);
    this.producer.sendBatch(messages).then(
      () => settle.forEach((s) => s.resolve()),
      (error: unknown) => settle.forEach((s) => s.reject(error)),
    );
  }

  async startConsumer(onMessage: (stamp: Stamp) => void): Promise<void> {
    const orderly = this.options.consumeMode === 'orderly';
    const keys = this.options.send.kind === 'sharded' ? this.options.send.keys : 0;
    const consumer = new PushConsumer({
      namesrvAddr: this.options.namesrvAddr,
      group: `${this.options.name}-consumer`,
      instanceName: `${this.options.name}-consumer`,
      consumeMode: this.options.consumeMode,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      // Rounds stop and start the consumer: hand queues over quickly.
      rebalanceIntervalMs: 1000,
      shutdownTimeoutMs: 5000,
    })
      .subscribe(this.topic)
      .onMessage((message) => {
        const stamp = readStamp(message.body);
        if (stamp === null) return;
        if (orderly) this.checkOrder(stamp, keys);
        onMessage(stamp);
      });
    await consumer.start();
    this.consumer = consumer;
  }

  private checkOrder(stamp: Stamp, keys: number): void {
    if (stamp.run !== this.orderRun) {
      this.orderRun = stamp.run;
      this.lastByKey = new Map();
    }
    const key = stamp.seq % keys;
    const last = this.lastByKey.get(key) ?? -1;
    if (stamp.seq < last) this.orderViolations++;
    else this.lastByKey.set(key, stamp.seq);
  }

  async stopConsumer(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = null;
    // Shutdown commits the group's offsets: the next round (or the drain) resumes where this one stopped.
    await consumer?.shutdown();
  }

  async readCounters(): Promise<Readonly<Record<string, number>>> {
    const counters: Record<string, number> = {};
    if (this.options.consumeMode === 'orderly') counters['orderViolations'] = this.orderViolations;
    if (this.options.fsyncCounter) {
      let fsyncs = 0;
      for (const table of (await this.admin.brokerRuntimeInfo()).values())
        fsyncs += Number(table['commitLogFsyncs'] ?? 0);
      counters['fdatasync'] = fsyncs;
    }
    return counters;
  }

  async purge(): Promise<void> {
    // Nothing to drop: the group's committed offsets already skip what earlier rounds consumed.
  }

  async close(): Promise<void> {
    try {
      await this.stopConsumer();
      await Promise.allSettled([this.producer.shutdown(), this.admin.shutdown()]);
    } finally {
      await this.options.onClose?.();
    }
  }
}

export async function connectRocketnestClient(options: RocketnestAdapterOptions): Promise<MessagingAdapter> {
  const admin = new Admin({ namesrvAddr: options.namesrvAddr, instanceName: `${options.name}-admin` });
  await admin.start();
  const producer = new Producer({
    namesrvAddr: options.namesrvAddr,
    group: `${options.name}-producer`,
    instanceName: `${options.name}-producer`,
  });
  try {
    await admin.createTopic(options.name, { queueNums: options.queueNums });
    if (options.send.kind === 'transactional') producer.setTransactionChecker(() => 'commit');
    await producer.start();
    // The route appears at the broker's next registration (ours: at once; Apache: its heartbeat).
    await waitForRoute(producer, options.name);
    return new RocketnestAdapter(options, producer, admin);
  } catch (error) {
    await Promise.allSettled([producer.shutdown(), admin.shutdown()]);
    throw error;
  }
}

async function waitForRoute(producer: Producer, topic: string, timeoutMs = 40_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await producer.fetchPublishMessageQueues(topic)).length > 0) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`no route for ${topic} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
