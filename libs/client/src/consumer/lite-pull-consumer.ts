/**
 * The lite pull consumer (Java DefaultLitePullConsumer), for code that drives its own loop: `subscribe`
 * (queues shared by rebalance in the group) or `assign` (explicit queues); background long polls fill a
 * bounded buffer that `poll(timeout)` drains; offsets are committed automatically (what earlier polls
 * returned) or with `commit()`; `seek` to an offset or a timestamp; `pause`/`resume` per queue.
 */
import {
  Logger,
  MessageQueue,
  PullSysFlag,
  SubscriptionData,
  buildSubscriptionData,
  childLogger,
  messageQueueKey,
  NOOP_LOGGER,
  ConsumerData,
} from '@rocketnest/protocol';
import type { ClientOptions } from '../client-options.js';
import { MQClientError } from '../errors.js';
import { ClientInstance, ClientMember } from '../instance/client-instance.js';
import { MessageExt, toMessageExt } from '../message/message.js';
import type { AllocateStrategyName } from './allocate-strategy.js';
import { unregisterConsumerGroup } from './consumer-unregister.js';
import { OffsetStore, RemoteBrokerOffsetStore } from './offset-store.js';
import { ConsumeFromWhereName, assignQueues, computePullFromWhere } from './queue-assignment.js';
import { sleep } from './semaphore.js';

export interface LitePullConsumerOptions extends ClientOptions {
  group: string;
  consumeFromWhere?: ConsumeFromWhereName;
  consumeTimestamp?: number;
  /** Commit what earlier polls returned, every `autoCommitIntervalMs` (5 s) and at the next poll. */
  autoCommit?: boolean;
  autoCommitIntervalMs?: number;
  /** Messages per pull (10) and buffered messages per queue before pulling pauses (1000). */
  pullBatchSize?: number;
  pullThresholdForQueue?: number;
  /** Long-poll hold (5 s: poll() callers wait at most their own timeout anyway). */
  brokerSuspendMaxTimeMs?: number;
  pullDelayOnErrorMs?: number;
  rebalanceIntervalMs?: number;
  allocateStrategy?: AllocateStrategyName;
}

interface QueueState {
  readonly queue: MessageQueue;
  readonly subscription: SubscriptionData;
  /** Next offset to pull. */
  pullOffset: number;
  /** Offset after the last message handed out by poll(): what commit() stores. */
  consumedOffset: number;
  buffer: MessageExt[];
  paused: boolean;
  dropped: boolean;
  /** Bumped by seek: a pull answered for an older generation is discarded. */
  generation: number;
}

export class LitePullConsumer implements ClientMember {
  readonly group: string;
  private readonly options: Required<Omit<LitePullConsumerOptions, keyof ClientOptions>> & ClientOptions;
  private readonly logger: Logger;
  private readonly subscriptions = new Map<string, SubscriptionData>();
  private readonly queues = new Map<string, QueueState>();
  private readonly waiters: Array<() => void> = [];
  private instance: ClientInstance | null = null;
  private offsets: OffsetStore | null = null;
  private assigned: MessageQueue[] | null = null;
  private running = false;
  private timers: NodeJS.Timeout[] = [];
  private rebalancing: Promise<void> | null = null;

  constructor(options: LitePullConsumerOptions) {
    if (options.group === undefined || options.group === '') throw new MQClientError('consumer group is required');
    this.group = options.group;
    this.options = {
      consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
      consumeTimestamp: Date.now() - 30 * 60_000,
      autoCommit: true,
      autoCommitIntervalMs: 5000,
      pullBatchSize: 10,
      pullThresholdForQueue: 1000,
      brokerSuspendMaxTimeMs: 5000,
      pullDelayOnErrorMs: 1000,
      rebalanceIntervalMs: 20_000,
      allocateStrategy: 'AVG',
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    } as LitePullConsumer['options'];
    this.logger = childLogger(options.logger ?? NOOP_LOGGER, 'lite-pull');
  }

  subscribe(topic: string, expression = '*'): this {
    if (this.assigned !== null) throw new MQClientError('subscribe and assign are exclusive');
    this.subscriptions.set(topic, buildSubscriptionData(topic, expression));
    if (this.running) void this.rebalance();
    return this;
  }

  /** Consumes exactly these queues (no rebalance, no group coordination). */
  assign(queues: readonly MessageQueue[]): this {
    if (this.subscriptions.size > 0) throw new MQClientError('subscribe and assign are exclusive');
    this.assigned = [...queues];
    if (this.running) void this.reconcile(this.assigned);
    return this;
  }

  async fetchMessageQueues(topic: string): Promise<MessageQueue[]> {
    return this.started().subscribeQueues(topic);
  }

  consumerData(): ConsumerData {
    return {
      groupName: this.group,
      consumeType: 'CONSUME_ACTIVELY',
      messageModel: 'CLUSTERING',
      consumeFromWhere: this.options.consumeFromWhere,
      subscriptionDataSet: [...this.subscriptions.values()],
      unitMode: false,
    };
  }

  onConsumerIdsChanged(): void {
    if (this.running && this.assigned === null) void this.rebalance();
  }

  async start(): Promise<void> {
    if (this.running) return;
    const instance = ClientInstance.acquire(this.options);
    instance.registerConsumer(this);
    this.instance = instance;
    this.offsets = new RemoteBrokerOffsetStore(instance, this.group, this.logger);
    this.running = true;
    const topics =
      this.assigned !== null ? [...new Set(this.assigned.map((q) => q.topic))] : [...this.subscriptions.keys()];
    for (const topic of topics)
      await instance
        .updateTopicRoute(topic)
        .catch((error: unknown) => this.logger.warn('no route yet', { topic, error: String(error) }));
    if (this.assigned === null) {
      await instance.sendHeartbeatToAllBrokers();
      await this.rebalance();
      this.every(this.options.rebalanceIntervalMs, () => this.rebalance());
    } else {
      await this.reconcile(this.assigned);
    }
    if (this.options.autoCommit) this.every(this.options.autoCommitIntervalMs, () => this.commit());
  }

  private every(ms: number, task: () => Promise<void>): void {
    const timer = setInterval(
      () => void task().catch((error: unknown) => this.logger.warn('background task failed', { error: String(error) })),
      ms,
    );
    timer.unref();
    this.timers.push(timer);
  }

  private rebalance(): Promise<void> {
    this.rebalancing ??= (async () => {
      const owned: MessageQueue[] = [];
      for (const topic of this.subscriptions.keys()) {
        const assigned = await assignQueues(
          this.started(),
          this.group,
          topic,
          true,
          this.options.allocateStrategy,
          this.logger,
        );
        if (assigned !== undefined) owned.push(...assigned);
        else owned.push(...[...this.queues.values()].filter((s) => s.queue.topic === topic).map((s) => s.queue));
      }
      await this.reconcile(owned);
    })().finally(() => {
      this.rebalancing = null;
    });
    return this.rebalancing;
  }

  private async reconcile(owned: readonly MessageQueue[]): Promise<void> {
    const wanted = new Set(owned.map(messageQueueKey));
    for (const [key, state] of [...this.queues]) {
      if (wanted.has(key)) continue;
      state.dropped = true;
      this.queues.delete(key);
      await this.persist(state);
      this.offsets!.remove(state.queue);
    }
    for (const queue of owned) {
      const key = messageQueueKey(queue);
      if (this.queues.has(key)) continue;
      const offset = await computePullFromWhere(
        this.started(),
        this.offsets!,
        queue,
        this.options.consumeFromWhere,
        this.options.consumeTimestamp,
        this.logger,
      );
      if (offset < 0) continue;
      const state: QueueState = {
        queue,
        subscription: this.subscriptions.get(queue.topic) ?? buildSubscriptionData(queue.topic, '*'),
        pullOffset: offset,
        consumedOffset: offset,
        buffer: [],
        paused: false,
        dropped: false,
        generation: 0,
      };
      this.queues.set(key, state);
      void this.pullLoop(state);
    }
  }

  private async pullLoop(state: QueueState): Promise<void> {
    const instance = this.started();
    while (this.running && !state.dropped) {
      if (state.paused || state.buffer.length >= this.options.pullThresholdForQueue) {
        await sleep(20);
        continue;
      }
      const addr = instance.brokers.master(state.queue.brokerName);
      if (addr === undefined) {
        await sleep(this.options.pullDelayOnErrorMs);
        continue;
      }
      const generation = state.generation;
      try {
        const result = await instance.api.pullMessage(
          addr,
          {
            consumerGroup: this.group,
            topic: state.queue.topic,
            queueId: state.queue.queueId,
            queueOffset: state.pullOffset,
            maxMsgNums: this.options.pullBatchSize,
            sysFlag: PullSysFlag.SUSPEND | PullSysFlag.SUBSCRIPTION,
            commitOffset: 0,
            suspendTimeoutMillis: this.options.brokerSuspendMaxTimeMs,
            subscription: state.subscription.subString,
            subVersion: state.subscription.subVersion,
            expressionType: state.subscription.expressionType,
          },
          this.options.brokerSuspendMaxTimeMs + 10_000,
        );
        if (state.dropped || generation !== state.generation) continue;
        state.pullOffset = result.nextBeginOffset;
        if (result.status === 'FOUND') {
          const tags = state.subscription.tagsSet;
          const messages = result.messages
            .filter((m) => tags.length === 0 || tags.includes(m.properties['TAGS'] ?? ''))
            .map((m) => toMessageExt(m, state.queue.brokerName));
          if (messages.length > 0) {
            state.buffer.push(...messages);
            this.wake();
          } else if (state.buffer.length === 0) {
            state.consumedOffset = Math.max(state.consumedOffset, state.pullOffset);
          }
        } else if (state.buffer.length === 0 && result.status !== 'OFFSET_ILLEGAL') {
          state.consumedOffset = Math.max(state.consumedOffset, state.pullOffset);
        } else if (result.status === 'OFFSET_ILLEGAL') {
          state.consumedOffset = state.pullOffset;
        }
      } catch (error) {
        if (!this.running || state.dropped) return;
        this.logger.debug('pull failed', { queue: messageQueueKey(state.queue), error: String(error) });
        await sleep(this.options.pullDelayOnErrorMs);
      }
    }
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Up to `pullBatchSize` buffered messages of the queues, waiting at most `timeoutMs` for some. */
  async poll(timeoutMs = 5000, max = this.options.pullBatchSize): Promise<MessageExt[]> {
    if (!this.running) throw new MQClientError('consumer is not started');
    if (this.options.autoCommit) await this.commit();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const out: MessageExt[] = [];
      for (const state of this.queues.values()) {
        if (state.paused || state.buffer.length === 0) continue;
        const taken = state.buffer.splice(0, max - out.length);
        state.consumedOffset = taken[taken.length - 1]!.queueOffset + 1;
        out.push(...taken);
        if (out.length >= max) break;
      }
      if (out.length > 0) return out;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return [];
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Stores on the broker the offsets of what poll() returned (all queues, or the given ones). */
  async commit(queues?: readonly MessageQueue[]): Promise<void> {
    const states =
      queues === undefined
        ? [...this.queues.values()]
        : queues.map((q) => this.queues.get(messageQueueKey(q))).filter((s): s is QueueState => s !== undefined);
    await Promise.all(states.map((state) => this.persist(state)));
  }

  private async persist(state: QueueState): Promise<void> {
    this.offsets!.update(state.queue, state.consumedOffset, false);
    await this.offsets!.persist(state.queue);
  }

  /** The committed offset on the broker (-1: none). */
  async committed(queue: MessageQueue): Promise<number> {
    return this.offsets!.read(queue, true);
  }

  /** The next poll of this queue starts at `offset` (buffered messages are dropped). */
  seek(queue: MessageQueue, offset: number): void {
    const state = this.queues.get(messageQueueKey(queue));
    if (state === undefined)
      throw new MQClientError(`queue ${messageQueueKey(queue)} is not assigned to this consumer`);
    state.generation += 1;
    state.buffer = [];
    state.pullOffset = offset;
    state.consumedOffset = offset;
  }

  async seekToBegin(queue: MessageQueue): Promise<void> {
    const addr = this.masterOf(queue);
    this.seek(queue, await this.started().api.getMinOffset(addr, queue.topic, queue.queueId));
  }

  async seekToEnd(queue: MessageQueue): Promise<void> {
    const addr = this.masterOf(queue);
    this.seek(queue, await this.started().api.getMaxOffset(addr, queue.topic, queue.queueId));
  }

  async seekToTimestamp(queue: MessageQueue, timestamp: number): Promise<void> {
    const addr = this.masterOf(queue);
    this.seek(queue, await this.started().api.searchOffset(addr, queue.topic, queue.queueId, timestamp));
  }

  pause(queues: readonly MessageQueue[]): void {
    for (const queue of queues) {
      const state = this.queues.get(messageQueueKey(queue));
      if (state !== undefined) state.paused = true;
    }
  }

  resume(queues: readonly MessageQueue[]): void {
    for (const queue of queues) {
      const state = this.queues.get(messageQueueKey(queue));
      if (state !== undefined) state.paused = false;
    }
    this.wake();
  }

  assignment(): MessageQueue[] {
    return [...this.queues.values()].map((s) => s.queue);
  }

  async shutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.rebalancing;
    this.wake();
    if (this.options.autoCommit) await this.commit();
    const instance = this.started();
    for (const state of this.queues.values()) state.dropped = true;
    this.queues.clear();
    await unregisterConsumerGroup(instance, this.group, this.logger);
    this.instance = null;
    await instance.release();
  }

  private masterOf(queue: MessageQueue): string {
    const addr = this.started().brokers.master(queue.brokerName);
    if (addr === undefined) throw new MQClientError(`no master for ${queue.brokerName}`);
    return addr;
  }

  private started(): ClientInstance {
    if (this.instance === null) throw new MQClientError(`consumer ${this.group} is not started`);
    return this.instance;
  }
}
