/**
 * The push consumer (broker-semantics.md 2.7, 3, 4, 7.3): subscriptions announced by heartbeats, client-side
 * rebalance over the group's members, one long-polling pull loop per assigned queue with flow control, and
 * a listener called concurrently (failures sent back for retry, then the DLQ) or orderly (one message at a
 * time per locked queue, local retry). Offsets never pass a message still in flight; shutdown drains.
 */
import { EventEmitter } from 'node:events';
import {
  ConsumerData,
  Logger,
  MessageQueue,
  PullSysFlag,
  SubscriptionData,
  buildSubscriptionData,
  childLogger,
  messageQueueKey,
  retryTopic,
  NOOP_LOGGER,
} from '@rocketnest/protocol';
import { MQClientError } from '../errors.js';
import { ClientInstance, ClientMember } from '../instance/client-instance.js';
import { MessageExt, toMessageExt } from '../message/message.js';
import { PushConsumerOptions, ResolvedPushConsumerOptions, resolvePushConsumerOptions } from './consumer-options.js';
import { unregisterConsumerGroup } from './consumer-unregister.js';
import { LocalFileOffsetStore, OffsetStore, RemoteBrokerOffsetStore } from './offset-store.js';
import { ProcessQueue } from './process-queue.js';
import { assignQueues, computePullFromWhere } from './queue-assignment.js';
import { Semaphore, sleep } from './semaphore.js';

/** What the listener decided. A thrown error means RECONSUME_LATER. */
export type ConsumeResult = 'SUCCESS' | 'RECONSUME_LATER' | 'DEAD_LETTER';

export type MessageListener = (message: MessageExt) => Promise<ConsumeResult | void> | ConsumeResult | void;

export interface PushConsumerEvents {
  /** Queues now owned by this consumer, after a rebalance that changed them. */
  rebalance: [queues: MessageQueue[]];
  /** A listener threw (the message will be retried). */
  consumeError: [error: unknown, message: MessageExt];
}

export interface PushConsumerStats {
  consumed: number;
  failed: number;
  sentBack: number;
  deadLettered: number;
}

/** Client-side lock expiry for orderly queues (shorter than the broker's 60 s, 7.3). */
const LOCK_EXPIRY_MS = 30_000;

export class PushConsumer extends EventEmitter<PushConsumerEvents> implements ClientMember {
  readonly options: ResolvedPushConsumerOptions;
  readonly group: string;
  readonly stats: PushConsumerStats = { consumed: 0, failed: 0, sentBack: 0, deadLettered: 0 };
  private readonly logger: Logger;
  private readonly subscriptions = new Map<string, SubscriptionData>();
  private readonly processQueues = new Map<string, ProcessQueue>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly semaphore: Semaphore;
  private listener: MessageListener | null = null;
  private instance: ClientInstance | null = null;
  private offsets: OffsetStore | null = null;
  private running = false;
  private timers: NodeJS.Timeout[] = [];
  private rebalancing: Promise<void> | null = null;
  private rebalanceAgain = false;
  private unsubscribeRoutes: (() => void) | null = null;
  private routeRetry: NodeJS.Timeout | null = null;

  constructor(options: PushConsumerOptions) {
    super();
    this.options = resolvePushConsumerOptions(options);
    this.group = this.options.group;
    this.logger = childLogger(this.options.logger ?? NOOP_LOGGER, 'consumer');
    this.semaphore = new Semaphore(this.options.concurrency);
  }

  private get clustering(): boolean {
    return this.options.messageModel === 'CLUSTERING';
  }

  private get orderly(): boolean {
    return this.options.consumeMode === 'orderly';
  }

  /** Subscribes a topic with `*` or a tag expression like `TagA || TagB`. Call before or after start. */
  subscribe(topic: string, expression = '*'): this {
    this.subscriptions.set(topic, buildSubscriptionData(topic, expression));
    if (this.running) void this.afterSubscriptionChange();
    return this;
  }

  unsubscribe(topic: string): this {
    this.subscriptions.delete(topic);
    if (this.running) void this.afterSubscriptionChange();
    return this;
  }

  onMessage(listener: MessageListener): this {
    this.listener = listener;
    return this;
  }

  get clientId(): string {
    return this.started().clientId;
  }

  /** Queues this consumer owns now. */
  assignedQueues(): MessageQueue[] {
    return [...this.processQueues.values()].map((pq) => pq.queue);
  }

  async start(): Promise<void> {
    if (this.running) return;
    if (this.listener === null) throw new MQClientError('register a listener with onMessage() before start()');
    if (this.subscriptions.size === 0) throw new MQClientError('subscribe to at least one topic before start()');
    const instance = ClientInstance.acquire(this.options);
    try {
      instance.registerConsumer(this);
    } catch (error) {
      await instance.release();
      throw error;
    }
    this.instance = instance;
    this.offsets = this.clustering
      ? new RemoteBrokerOffsetStore(instance, this.group, this.logger)
      : new LocalFileOffsetStore(this.options.offsetStoreDir, instance.clientId, this.group, this.logger);
    await this.offsets.load();
    if (this.clustering)
      this.subscriptions.set(retryTopic(this.group), buildSubscriptionData(retryTopic(this.group), '*'));
    this.running = true;
    this.unsubscribeRoutes = instance.onRouteChanged((topic) => {
      if (this.subscriptions.has(topic)) this.requestRebalance();
    });
    await this.afterSubscriptionChange();
    const every = (ms: number, task: () => Promise<void>): void => {
      const timer = setInterval(() => void task(), ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.rebalanceIntervalMs, () => this.rebalance());
    every(this.options.persistConsumerOffsetIntervalMs ?? 5000, () => this.offsets!.persistAll(this.assignedQueues()));
    if (this.orderly && this.clustering) every(this.options.lockIntervalMs, () => this.lockAll());
  }

  /** Routes for every subscription, a heartbeat (brokers must know the subscription before pulls), then rebalance. */
  private async afterSubscriptionChange(): Promise<void> {
    const instance = this.started();
    for (const topic of this.subscriptions.keys()) {
      try {
        await instance.updateTopicRoute(topic);
      } catch (error) {
        this.logger.warn('no route for subscribed topic yet', { topic, error: String(error) });
      }
    }
    await instance.sendHeartbeatToAllBrokers();
    await this.rebalance();
  }

  consumerData(): ConsumerData {
    return {
      groupName: this.group,
      consumeType: 'CONSUME_PASSIVELY',
      messageModel: this.options.messageModel,
      consumeFromWhere: this.options.consumeFromWhere,
      subscriptionDataSet: [...this.subscriptions.values()],
      unitMode: false,
    };
  }

  onConsumerIdsChanged(): void {
    this.requestRebalance();
  }

  /** An admin moved the group's offsets: restart the affected queues from there. */
  resetOffsets(offsets: ReadonlyArray<[MessageQueue, number]>): void {
    for (const [queue, offset] of offsets) {
      const pq = this.processQueues.get(messageQueueKey(queue));
      this.offsets?.update(queue, offset, false);
      if (pq !== undefined) void this.dropQueue(pq, false);
    }
    void this.offsets?.persistAll(offsets.map(([q]) => q)).then(() => this.requestRebalance());
  }

  private requestRebalance(): void {
    if (this.running) void this.rebalance();
  }

  /** Serialized: a request while one runs triggers exactly one more. */
  rebalance(): Promise<void> {
    if (!this.running) return Promise.resolve();
    if (this.rebalancing !== null) {
      this.rebalanceAgain = true;
      return this.rebalancing;
    }
    this.rebalancing = (async () => {
      do {
        this.rebalanceAgain = false;
        await this.rebalanceOnce();
      } while (this.rebalanceAgain && this.running);
    })().finally(() => {
      this.rebalancing = null;
    });
    return this.rebalancing;
  }

  private async rebalanceOnce(): Promise<void> {
    const instance = this.started();
    let changed = false;
    let missingRoute = false;
    for (const [topic, subscription] of this.subscriptions) {
      const assigned = await assignQueues(
        instance,
        this.group,
        topic,
        this.clustering,
        this.options.allocateStrategy,
        this.logger,
      );
      if (assigned === undefined) {
        missingRoute = true;
        continue;
      }
      if (await this.reconcile(topic, subscription, assigned)) changed = true;
    }
    for (const pq of [...this.processQueues.values()]) {
      if (!this.subscriptions.has(pq.queue.topic)) {
        await this.dropQueue(pq, true);
        changed = true;
      }
    }
    if (changed) {
      this.emit('rebalance', this.assignedQueues());
      await instance.sendHeartbeatToAllBrokers();
    }
    this.scheduleRouteRetry(missingRoute);
  }

  /**
   * A subscribed topic without a route yet (consumer started before the first send created it): ask again
   * every second instead of waiting for the 30 s route refresh.
   */
  private scheduleRouteRetry(missing: boolean): void {
    if (!missing || this.routeRetry !== null || !this.running) return;
    this.routeRetry = setTimeout(() => {
      this.routeRetry = null;
      if (!this.running) return;
      void (async () => {
        const instance = this.started();
        for (const topic of this.subscriptions.keys()) {
          try {
            await instance.updateTopicRoute(topic);
          } catch (error) {
            this.logger.debug('route retry failed', { topic, error: String(error) });
          }
        }
        await instance.sendHeartbeatToAllBrokers();
        await this.rebalance();
      })();
    }, 1000);
    this.routeRetry.unref();
  }

  /** Drops queues no longer assigned, opens the new ones; true when anything changed. */
  private async reconcile(
    topic: string,
    subscription: SubscriptionData,
    assigned: readonly MessageQueue[],
  ): Promise<boolean> {
    const wanted = new Set(assigned.map(messageQueueKey));
    let changed = false;
    for (const pq of [...this.processQueues.values()]) {
      if (pq.queue.topic === topic && !wanted.has(messageQueueKey(pq.queue))) {
        await this.dropQueue(pq, true);
        changed = true;
      }
    }
    for (const queue of assigned) {
      const key = messageQueueKey(queue);
      if (this.processQueues.has(key)) continue;
      const pq = new ProcessQueue(queue);
      if (this.orderly && this.clustering && !(await this.lock(pq))) continue;
      const offset = await computePullFromWhere(
        this.started(),
        this.offsets!,
        queue,
        this.options.consumeFromWhere,
        this.options.consumeTimestamp,
        this.logger,
      );
      if (offset < 0) {
        if (pq.locked) await this.unlock([queue]);
        continue;
      }
      this.offsets!.update(queue, offset, false);
      this.processQueues.set(key, pq);
      changed = true;
      void this.pullLoop(pq, subscription, offset);
    }
    return changed;
  }

  /** Stops a queue: persists its offset, forgets it, and (orderly) releases the broker lock. */
  private async dropQueue(pq: ProcessQueue, persist: boolean): Promise<void> {
    pq.dropped = true;
    this.processQueues.delete(messageQueueKey(pq.queue));
    if (persist) {
      try {
        await this.offsets!.persist(pq.queue);
      } catch (error) {
        this.logger.warn('persist offset on drop failed', { queue: messageQueueKey(pq.queue), error: String(error) });
      }
    }
    this.offsets!.remove(pq.queue);
    if (this.orderly && this.clustering && pq.locked) {
      // Let a running listener finish before another client takes the queue (7.3).
      const deadline = Date.now() + 1000;
      while (pq.consuming && Date.now() < deadline) await sleep(10);
      await this.unlock([pq.queue]);
    }
    pq.clear();
  }

  private async pullLoop(pq: ProcessQueue, subscription: SubscriptionData, startOffset: number): Promise<void> {
    const instance = this.started();
    const { options } = this;
    let next = startOffset;
    let brokerId = 0;
    while (this.running && !pq.dropped) {
      if (
        pq.size >= options.pullThresholdForQueue ||
        pq.cachedBytes >= options.pullThresholdSizeForQueueBytes ||
        (!this.orderly && pq.span >= options.consumeConcurrentlyMaxSpan)
      ) {
        await sleep(50);
        continue;
      }
      if (this.orderly && this.clustering && !this.lockValid(pq)) {
        await sleep(Math.min(1000, options.lockIntervalMs));
        continue;
      }
      const addr = instance.brokers.pick(pq.queue.brokerName, brokerId);
      if (addr === undefined) {
        await sleep(options.pullDelayOnErrorMs);
        continue;
      }
      const commitOffset = this.clustering ? this.offsets!.readMemory(pq.queue) : -1;
      let sysFlag = PullSysFlag.SUSPEND;
      if (commitOffset > 0 && brokerId === 0) sysFlag |= PullSysFlag.COMMIT_OFFSET;
      try {
        const result = await instance.api.pullMessage(
          addr,
          {
            consumerGroup: this.group,
            topic: pq.queue.topic,
            queueId: pq.queue.queueId,
            queueOffset: next,
            maxMsgNums: options.pullBatchSize,
            sysFlag,
            commitOffset: Math.max(commitOffset, 0),
            suspendTimeoutMillis: options.brokerSuspendMaxTimeMs,
            subVersion: subscription.subVersion,
            expressionType: subscription.expressionType,
          },
          options.brokerSuspendMaxTimeMs + 15_000,
        );
        if (pq.dropped || !this.running) return;
        pq.lastPullTimestamp = Date.now();
        brokerId = result.suggestWhichBrokerId;
        switch (result.status) {
          case 'FOUND': {
            next = result.nextBeginOffset;
            const brokerName = pq.queue.brokerName;
            const messages = result.messages
              .filter(
                (m) => subscription.tagsSet.length === 0 || subscription.tagsSet.includes(m.properties['TAGS'] ?? ''),
              )
              .map((m) => toMessageExt(m, brokerName));
            if (messages.length === 0) {
              if (pq.size === 0) this.offsets!.update(pq.queue, next, true);
            } else {
              pq.put(messages);
              this.dispatch(pq, messages);
            }
            break;
          }
          case 'NO_NEW_MSG':
          case 'NO_MATCHED_MSG':
            next = result.nextBeginOffset;
            if (pq.size === 0) this.offsets!.update(pq.queue, next, true);
            break;
          case 'OFFSET_ILLEGAL':
            this.logger.warn('pull offset illegal, moving on', {
              queue: messageQueueKey(pq.queue),
              offset: next,
              nextBeginOffset: result.nextBeginOffset,
            });
            next = result.nextBeginOffset;
            this.offsets!.update(pq.queue, next, false);
            await this.offsets!.persist(pq.queue);
            break;
        }
      } catch (error) {
        if (pq.dropped || !this.running) return;
        this.logger.debug('pull failed', { queue: messageQueueKey(pq.queue), error: String(error) });
        await sleep(options.pullDelayOnErrorMs);
      }
    }
  }

  private dispatch(pq: ProcessQueue, messages: readonly MessageExt[]): void {
    if (this.orderly) {
      this.track(this.consumeOrderly(pq));
      return;
    }
    for (const message of messages) this.track(this.consumeConcurrently(pq, message));
  }

  private track(task: Promise<void>): void {
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  /**
   * Runs the listener within the concurrency limit. Undefined when the consumer is shutting down before
   * the call could start: the message stays uncommitted and is delivered again later.
   */
  private async callListener(message: MessageExt): Promise<ConsumeResult | undefined> {
    await this.semaphore.acquire();
    if (!this.running) {
      this.semaphore.release();
      return undefined;
    }
    try {
      const result = await this.listener!(message);
      return result ?? 'SUCCESS';
    } catch (error) {
      this.emit('consumeError', error, message);
      this.logger.debug('listener failed', { msgId: message.msgId, error: String(error) });
      return 'RECONSUME_LATER';
    } finally {
      this.semaphore.release();
    }
  }

  /** Concurrent mode (3.6, 4): failures go back to the broker (retry topic, then DLQ). */
  private async consumeConcurrently(pq: ProcessQueue, message: MessageExt): Promise<void> {
    const result = await this.callListener(message);
    if (pq.dropped || result === undefined) return;
    if (result === 'SUCCESS') {
      this.stats.consumed += 1;
    } else {
      this.stats.failed += 1;
      if (this.clustering) {
        const sent = await this.sendBack(message, result === 'DEAD_LETTER' ? -1 : 0);
        if (!sent) {
          // Neither send-back nor its fallback worked: consume it again here later (the offset waits).
          message.reconsumeTimes += 1;
          await sleep(this.options.localRetryDelayMs);
          if (!pq.dropped && this.running) this.track(this.consumeConcurrently(pq, message));
          return;
        }
      } else {
        this.logger.warn('broadcasting message failed and is dropped (no retry in broadcasting)', {
          msgId: message.msgId,
        });
      }
    }
    const offset = pq.remove([message]);
    if (offset >= 0) this.offsets!.update(pq.queue, offset, true);
  }

  /** CONSUMER_SEND_MSG_BACK (delay level 0 = broker decides, -1 = DLQ); true when the broker took it. */
  private async sendBack(message: MessageExt, delayLevel: number): Promise<boolean> {
    const instance = this.started();
    const addr = instance.brokers.master(message.queue.brokerName) ?? message.storeHost;
    try {
      await instance.api.consumerSendMessageBack(addr, {
        offset: message.commitLogOffset,
        group: this.group,
        delayLevel,
        originMsgId: message.msgId,
        originTopic: message.topic,
        unitMode: false,
        maxReconsumeTimes: this.options.maxReconsumeTimes,
      });
      if (
        delayLevel < 0 ||
        (this.options.maxReconsumeTimes >= 0 && message.reconsumeTimes >= this.options.maxReconsumeTimes)
      ) {
        this.stats.deadLettered += 1;
      } else {
        this.stats.sentBack += 1;
      }
      return true;
    } catch (error) {
      this.logger.warn('send back failed', { msgId: message.msgId, brokerAddr: addr, error: String(error) });
      return false;
    }
  }

  /** Orderly mode (4.5, 7.3): one message at a time per queue, in offset order; a failure pauses the queue. */
  private async consumeOrderly(pq: ProcessQueue): Promise<void> {
    if (pq.consuming) return;
    pq.consuming = true;
    try {
      while (this.running && !pq.dropped) {
        if (this.clustering && !this.lockValid(pq)) return;
        const message = pq.peekFirst();
        if (message === undefined) return;
        const result = await this.callListener(message);
        if (pq.dropped || result === undefined) return;
        const max = this.options.maxReconsumeTimes;
        if (result === 'SUCCESS') {
          this.stats.consumed += 1;
        } else if (result === 'DEAD_LETTER' || (max >= 0 && message.reconsumeTimes >= max)) {
          this.stats.failed += 1;
          if (this.clustering && !(await this.sendBack(message, -1))) {
            await sleep(this.options.suspendCurrentQueueTimeMs);
            continue;
          }
        } else {
          this.stats.failed += 1;
          message.reconsumeTimes += 1;
          await sleep(this.options.suspendCurrentQueueTimeMs);
          continue;
        }
        const offset = pq.remove([message]);
        if (offset >= 0) this.offsets!.update(pq.queue, offset, false);
      }
    } finally {
      pq.consuming = false;
    }
  }

  private lockValid(pq: ProcessQueue): boolean {
    return pq.locked && Date.now() - pq.lastLockTimestamp < LOCK_EXPIRY_MS;
  }

  private async lock(pq: ProcessQueue): Promise<boolean> {
    const instance = this.started();
    const addr = instance.brokers.master(pq.queue.brokerName);
    if (addr === undefined) return false;
    try {
      const locked = await instance.api.lockBatchMQ(addr, this.group, instance.clientId, [pq.queue]);
      pq.locked = locked.some((q) => messageQueueKey(q) === messageQueueKey(pq.queue));
      if (pq.locked) pq.lastLockTimestamp = Date.now();
      return pq.locked;
    } catch (error) {
      this.logger.debug('lock failed', { queue: messageQueueKey(pq.queue), error: String(error) });
      return false;
    }
  }

  /** Renews every lock, per broker (7.3 lockAll). */
  private async lockAll(): Promise<void> {
    const instance = this.started();
    const byBroker = new Map<string, ProcessQueue[]>();
    for (const pq of this.processQueues.values()) {
      const list = byBroker.get(pq.queue.brokerName) ?? [];
      list.push(pq);
      byBroker.set(pq.queue.brokerName, list);
    }
    for (const [brokerName, pqs] of byBroker) {
      const addr = instance.brokers.master(brokerName);
      if (addr === undefined) continue;
      try {
        const locked = new Set(
          (
            await instance.api.lockBatchMQ(
              addr,
              this.group,
              instance.clientId,
              pqs.map((pq) => pq.queue),
            )
          ).map(messageQueueKey),
        );
        const now = Date.now();
        for (const pq of pqs) {
          pq.locked = locked.has(messageQueueKey(pq.queue));
          if (pq.locked) {
            pq.lastLockTimestamp = now;
            if (!pq.consuming && pq.size > 0) this.track(this.consumeOrderly(pq));
          }
        }
      } catch (error) {
        this.logger.debug('lockAll failed', { brokerName, error: String(error) });
      }
    }
  }

  private async unlock(queues: readonly MessageQueue[]): Promise<void> {
    const instance = this.started();
    const byBroker = new Map<string, MessageQueue[]>();
    for (const queue of queues) byBroker.set(queue.brokerName, [...(byBroker.get(queue.brokerName) ?? []), queue]);
    for (const [brokerName, list] of byBroker) {
      const addr = instance.brokers.master(brokerName);
      if (addr === undefined) continue;
      try {
        await instance.api.unlockBatchMQ(addr, this.group, instance.clientId, list, false);
      } catch (error) {
        this.logger.debug('unlock failed', { brokerName, error: String(error) });
      }
    }
  }

  /** Stops pulling, waits for running listeners, persists offsets, releases locks, unregisters. */
  async shutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    if (this.routeRetry !== null) clearTimeout(this.routeRetry);
    this.unsubscribeRoutes?.();
    await this.rebalancing;
    const deadline = sleep(this.options.shutdownTimeoutMs).then(() => 'timeout' as const);
    while (this.inFlight.size > 0) {
      const outcome = await Promise.race([
        Promise.allSettled([...this.inFlight]).then(() => 'done' as const),
        deadline,
      ]);
      if (outcome === 'timeout') {
        this.logger.warn('shutdown: listeners still running after the timeout', { inFlight: this.inFlight.size });
        break;
      }
    }
    const instance = this.started();
    const queues = this.assignedQueues();
    await this.offsets!.persistAll(queues, false);
    if (this.orderly && this.clustering) await this.unlock(queues);
    for (const pq of this.processQueues.values()) pq.dropped = true;
    this.processQueues.clear();
    await unregisterConsumerGroup(instance, this.group, this.logger);
    this.instance = null;
    await instance.release();
  }

  private started(): ClientInstance {
    if (this.instance === null) throw new MQClientError(`consumer ${this.group} is not started`);
    return this.instance;
  }
}
