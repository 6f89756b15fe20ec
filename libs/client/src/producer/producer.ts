/**
 * The Producer (broker-semantics.md 6.1, 7.1, 10): sync, one-way and batch sends with retries on another
 * broker and latency-based fault avoidance, ordered sends by sharding key (never retried elsewhere),
 * transactional sends with a check-back checker, and request-reply.
 */
import { randomUUID } from 'node:crypto';
import {
  AUTO_CREATE_TOPIC_KEY_TOPIC,
  CHECK_TRANSACTION_STATE_REQUEST_HEADER,
  Logger,
  MessageConst,
  MessageQueue,
  MessageSysFlag,
  RemotingCommand,
  RemotingConnectError,
  RemotingError,
  RemotingTimeoutError,
  SendMessageRequestHeader,
  TopicRouteData,
  childLogger,
  decodeOffsetMsgId,
  decodeStoredMessage,
  encodeBatchBody,
  encodeProperties,
  javaStringHashCode,
  masterAddr,
  replyTopic,
} from '@rocketnest/protocol';
import { SendResult } from '../api/mq-client-api.js';
import { MQBrokerError, MQClientError, TopicRouteError } from '../errors.js';
import { ClientInstance, ClientMember } from '../instance/client-instance.js';
import { TopicPublishInfo, publishInfoOf } from '../instance/topic-route-table.js';
import { Message, MessageExt, toMessageExt } from '../message/message.js';
import { LatencyFaultTolerance } from './latency-fault.js';
import { encodeMessage, messageProperties, validateMessage } from './message-encoding.js';
import { ProducerOptions, ResolvedProducerOptions, resolveProducerOptions } from './producer-options.js';

export type TransactionState = 'commit' | 'rollback' | 'unknown';

/** Runs the local transaction after the half message is stored. A throw counts as 'unknown'. */
export type LocalTransaction<T> = (message: Message, sendResult: SendResult) => Promise<T> | T;

/** Answers the broker's check-back for a half message whose outcome is unknown. */
export type TransactionChecker = (message: MessageExt) => Promise<TransactionState> | TransactionState;

/** Picks a queue for an ordered send. */
export type QueueSelector = (queues: readonly MessageQueue[], message: Message) => MessageQueue;

export interface SendOptions {
  /** Ordered messages: the same key always lands on the same queue (hash of the key, 7.1). */
  shardingKey?: string;
  /** Or an explicit selector / queue. Selector sends are never retried on another queue. */
  selector?: QueueSelector;
  queue?: MessageQueue;
  timeoutMs?: number;
}

export interface TransactionSendResult<T> {
  sendResult: SendResult;
  state: TransactionState;
  /** What the local transaction returned (undefined when it threw or did not run). */
  value: T | undefined;
  /** The local transaction's error, rethrown by callers that want it. */
  error: unknown;
}

const TRANSACTION_TYPE: Readonly<Record<TransactionState, number>> = {
  commit: MessageSysFlag.TRANSACTION_COMMIT_TYPE,
  rollback: MessageSysFlag.TRANSACTION_ROLLBACK_TYPE,
  unknown: MessageSysFlag.TRANSACTION_NOT_TYPE,
};

/** `SelectMessageQueueByHash`: |hashCode(key) % n|. */
export function selectQueueByKey(queues: readonly MessageQueue[], key: string): MessageQueue {
  let index = javaStringHashCode(key) % queues.length;
  if (index < 0) index = -index;
  return queues[index]!;
}

export class Producer implements ClientMember {
  readonly options: ResolvedProducerOptions;
  readonly group: string;
  private instance: ClientInstance | null = null;
  private readonly faults = new LatencyFaultTolerance();
  private readonly nextQueue = new Map<string, number>();
  /** Routes derived from TBW102 for topics the NameServer does not know yet. */
  private readonly derivedRoutes = new Map<string, TopicPublishInfo>();
  private readonly logger: Logger;
  private checker: TransactionChecker | undefined;

  constructor(options: ProducerOptions) {
    this.options = resolveProducerOptions(options);
    this.group = this.options.group;
    this.logger = childLogger(this.options.logger ?? { debug() {}, info() {}, warn() {}, error() {} }, 'producer');
  }

  /** Joins the client instance and announces the group to the brokers it knows. */
  async start(): Promise<void> {
    if (this.instance !== null) return;
    const instance = ClientInstance.acquire(this.options);
    try {
      instance.registerProducer(this);
    } catch (error) {
      await instance.release();
      throw error;
    }
    this.instance = instance;
  }

  /** Leaves: UNREGISTER_CLIENT on every broker, then releases the instance. */
  async shutdown(): Promise<void> {
    const instance = this.instance;
    if (instance === null) return;
    this.instance = null;
    instance.unregisterProducer(this.group);
    await Promise.all(
      instance.brokers.addresses(true).map((addr) =>
        instance.api
          .unregisterClient(addr, instance.clientId, { producerGroup: this.group })
          .catch((error: unknown) => {
            this.logger.debug('unregister failed', { brokerAddr: addr, error: String(error) });
          }),
      ),
    );
    await instance.release();
  }

  get clientId(): string {
    return this.started().clientId;
  }

  /** Sets the checker that answers transaction check-backs for this group. */
  setTransactionChecker(checker: TransactionChecker): void {
    this.checker = checker;
  }

  async send(message: Message, options: SendOptions = {}): Promise<SendResult> {
    const result = await this.sendSingle(message, messageProperties(message), 0, options, false);
    return result!;
  }

  /** Fire and forget: one attempt, no answer from the broker. */
  async sendOneway(message: Message, options: SendOptions = {}): Promise<void> {
    await this.sendSingle(message, messageProperties(message), 0, options, true);
  }

  /** One SEND_BATCH_MESSAGE: same topic, no delay; each message keeps its own UNIQ_KEY (10.5). */
  async sendBatch(messages: readonly Message[], options: SendOptions = {}): Promise<SendResult> {
    if (messages.length === 0) throw new MQClientError('empty batch');
    const topic = messages[0]!.topic;
    let size = 0;
    const entries = messages.map((message) => {
      validateMessage(message, this.options.maxMessageSizeBytes);
      if (message.topic !== topic) throw new MQClientError('all messages of a batch must have the same topic');
      if (message.delayTimeLevel !== undefined && message.delayTimeLevel > 0)
        throw new MQClientError('batches do not support delay levels');
      const properties = messageProperties(message);
      size += message.body.length;
      return {
        flag: message.flag ?? 0,
        body: message.body,
        properties: encodeProperties(properties),
        uniqKey: properties[MessageConst.UNIQ_KEY]!,
      };
    });
    if (size > this.options.maxMessageSizeBytes)
      throw new MQClientError(`batch body over max size ${this.options.maxMessageSizeBytes}`);
    const body = encodeBatchBody(entries);
    const header = (queue: MessageQueue): SendMessageRequestHeader => ({
      ...this.baseHeader(topic, queue.queueId, 0, 0),
      properties: encodeProperties({ [MessageConst.WAIT]: 'true' }),
      batch: true,
    });
    return (await this.sendWithRetries(topic, body, header, 'batch', options, false))!;
  }

  /**
   * Transactional send (6.1): the half message first, then the local transaction, then END_TRANSACTION
   * with its outcome. A send stored without durability (flush/slave timeout) rolls back without running it.
   */
  async sendInTransaction<T>(message: Message, local: LocalTransaction<T>): Promise<TransactionSendResult<T>> {
    const properties = messageProperties({ ...message, delayTimeLevel: undefined });
    properties[MessageConst.TRAN_MSG] = 'true';
    properties[MessageConst.PGROUP] = this.group;
    const sendResult = (await this.sendSingle(
      message,
      properties,
      MessageSysFlag.TRANSACTION_PREPARED_TYPE,
      {},
      false,
    ))!;
    let state: TransactionState = 'rollback';
    let value: T | undefined;
    let error: unknown;
    if (sendResult.sendStatus === 'SEND_OK') {
      try {
        value = await local(message, sendResult);
        state = 'commit';
      } catch (thrown) {
        error = thrown;
        state = thrown instanceof TransactionUnknownError ? 'unknown' : 'rollback';
      }
    }
    await this.endTransaction(sendResult, state, error);
    return { sendResult, state, value, error };
  }

  private async endTransaction(sendResult: SendResult, state: TransactionState, error: unknown): Promise<void> {
    const instance = this.started();
    const addr = instance.brokers.master(sendResult.messageQueue.brokerName);
    if (addr === undefined) throw new MQClientError(`no master for broker ${sendResult.messageQueue.brokerName}`);
    await instance.api.endTransaction(
      addr,
      {
        producerGroup: this.group,
        tranStateTableOffset: sendResult.queueOffset,
        commitLogOffset: decodeOffsetMsgId(sendResult.offsetMsgId).physicalOffset,
        commitOrRollback: TRANSACTION_TYPE[state],
        fromTransactionCheck: false,
        msgId: sendResult.msgId,
        transactionId: sendResult.transactionId ?? sendResult.msgId,
        topic: sendResult.messageQueue.topic,
      },
      error === undefined ? null : String(error instanceof Error ? error.message : error),
    );
  }

  /** CHECK_TRANSACTION_STATE from a broker: ask the checker, answer with END_TRANSACTION (6.5). */
  checkTransaction(request: RemotingCommand, brokerAddr: string): void {
    const checker = this.checker;
    if (checker === undefined || request.body === null) return;
    const header = CHECK_TRANSACTION_STATE_REQUEST_HEADER.decode(request.extFields);
    const stored = decodeStoredMessage(request.body);
    const message = toMessageExt(stored, this.started().brokers.brokerNameOf(brokerAddr) ?? '');
    void (async () => {
      let state: TransactionState;
      try {
        state = await checker(message);
      } catch (error) {
        this.logger.warn('transaction checker failed; answering unknown', {
          msgId: message.msgId,
          error: String(error),
        });
        state = 'unknown';
      }
      try {
        await this.started().api.endTransaction(
          brokerAddr,
          {
            producerGroup: this.group,
            tranStateTableOffset: header.tranStateTableOffset ?? 0,
            commitLogOffset: header.commitLogOffset ?? stored.commitLogOffset,
            commitOrRollback: TRANSACTION_TYPE[state],
            fromTransactionCheck: true,
            msgId: message.msgId,
            transactionId: header.transactionId ?? message.msgId,
            topic: message.topic,
          },
          null,
        );
      } catch (error) {
        this.logger.warn('END_TRANSACTION after check failed', { msgId: message.msgId, error: String(error) });
      }
    })();
  }

  /**
   * Request-reply (10.6): sends `message` with CORRELATION_ID / REPLY_TO_CLIENT / TTL and resolves with the
   * reply a responder sends back with `createReply` + `sendReply`.
   */
  async request(message: Message, timeoutMs = 3000, options: SendOptions = {}): Promise<MessageExt> {
    const instance = this.started();
    const correlationId = randomUUID();
    const properties = messageProperties(message);
    properties[MessageConst.CORRELATION_ID] = correlationId;
    properties[MessageConst.REPLY_TO_CLIENT] = instance.clientId;
    properties[MessageConst.TTL] = String(timeoutMs);
    // The broker must know this client's channel before the reply comes: heartbeat first.
    await instance.sendHeartbeatToAllBrokers();
    const reply = new Promise<MessageExt>((resolve, reject) => {
      const timer = setTimeout(() => {
        instance.replyWaiters.delete(correlationId);
        reject(
          new RemotingTimeoutError(
            `no reply within ${timeoutMs} ms to ${message.topic} (correlation ${correlationId})`,
          ),
        );
      }, timeoutMs);
      instance.replyWaiters.set(correlationId, (stored) => {
        clearTimeout(timer);
        instance.replyWaiters.delete(correlationId);
        resolve(toMessageExt(stored, ''));
      });
    });
    try {
      await this.sendSingle(
        message,
        properties,
        0,
        { ...options, timeoutMs: Math.min(timeoutMs, this.options.sendTimeoutMs) },
        false,
      );
    } catch (error) {
      instance.replyWaiters.delete(correlationId);
      throw error;
    }
    return reply;
  }

  /** Sends a reply built with `createReply` (SEND_REPLY_MESSAGE_V2; the broker pushes it to the requester). */
  async sendReply(reply: Message): Promise<SendResult> {
    const properties = messageProperties(reply, true);
    const encoded = encodeMessage(reply, properties, { ...this.options, compress: true });
    const header = (queue: MessageQueue): SendMessageRequestHeader => ({
      ...this.baseHeader(reply.topic, queue.queueId, encoded.sysFlag, reply.flag ?? 0),
      properties: encodeProperties(properties),
    });
    return (await this.sendWithRetries(reply.topic, encoded.body, header, 'reply', {}, false))!;
  }

  private started(): ClientInstance {
    if (this.instance === null) throw new MQClientError(`producer ${this.group} is not started`);
    return this.instance;
  }

  private baseHeader(topic: string, queueId: number, sysFlag: number, flag: number): SendMessageRequestHeader {
    return {
      producerGroup: this.group,
      topic,
      defaultTopic: AUTO_CREATE_TOPIC_KEY_TOPIC,
      defaultTopicQueueNums: this.options.defaultTopicQueueNums,
      queueId,
      sysFlag,
      bornTimestamp: Date.now(),
      flag,
      reconsumeTimes: 0,
      unitMode: false,
      batch: false,
    };
  }

  private async sendSingle(
    message: Message,
    properties: Record<string, string>,
    extraSysFlag: number,
    options: SendOptions,
    oneway: boolean,
  ): Promise<SendResult | undefined> {
    validateMessage(message, this.options.maxMessageSizeBytes);
    const encoded = encodeMessage(message, properties, { ...this.options, compress: true });
    let reconsumeTimes = 0;
    let maxReconsumeTimes: number | undefined;
    // Sends to %RETRY% topics carry these in the header, not the properties (2.1.1).
    const retryTimes = properties[MessageConst.RECONSUME_TIME];
    if (retryTimes !== undefined) {
      reconsumeTimes = Number(retryTimes);
      delete properties[MessageConst.RECONSUME_TIME];
    }
    const maxTimes = properties[MessageConst.MAX_RECONSUME_TIMES];
    if (maxTimes !== undefined) {
      maxReconsumeTimes = Number(maxTimes);
      delete properties[MessageConst.MAX_RECONSUME_TIMES];
    }
    const propertiesText = encodeProperties(properties);
    const header = (queue: MessageQueue): SendMessageRequestHeader => ({
      ...this.baseHeader(message.topic, queue.queueId, encoded.sysFlag | extraSysFlag, message.flag ?? 0),
      properties: propertiesText,
      reconsumeTimes,
      maxReconsumeTimes,
    });
    return this.sendWithRetries(message.topic, encoded.body, header, 'single', options, oneway);
  }

  private async sendWithRetries(
    topic: string,
    body: Buffer,
    header: (queue: MessageQueue) => SendMessageRequestHeader,
    kind: 'single' | 'batch' | 'reply',
    options: SendOptions,
    oneway: boolean,
  ): Promise<SendResult | undefined> {
    const instance = this.started();
    const timeoutMs = options.timeoutMs ?? this.options.sendTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    const info = await this.publishInfo(topic);
    const pinned =
      options.queue ??
      (options.selector ? options.selector(info.queues, { topic, body }) : undefined) ??
      (options.shardingKey !== undefined ? selectQueueByKey(info.queues, options.shardingKey) : undefined);
    const attempts = pinned !== undefined || oneway ? 1 : 1 + this.options.retryTimesWhenSendFailed;
    let lastBroker: string | undefined;
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      const queue = pinned ?? this.selectQueue(topic, info, lastBroker);
      const addr = instance.brokers.master(queue.brokerName);
      if (addr === undefined) {
        lastError = new MQClientError(`no master address for broker ${queue.brokerName}`);
        lastBroker = queue.brokerName;
        continue;
      }
      const started = Date.now();
      try {
        const result = await instance.api.sendMessage(
          addr,
          queue.brokerName,
          header(queue),
          body,
          kind,
          remaining,
          oneway,
        );
        if (this.options.sendLatencyFaultEnable) this.faults.update(queue.brokerName, Date.now() - started, false);
        return result;
      } catch (error) {
        lastError = error;
        lastBroker = queue.brokerName;
        if (this.options.sendLatencyFaultEnable) this.faults.update(queue.brokerName, Date.now() - started, true);
        if (!isRetriable(error)) throw error;
        this.logger.debug('send failed, retrying on another broker', {
          topic,
          brokerName: queue.brokerName,
          attempt,
          error: String(error),
        });
      }
    }
    if (lastError instanceof Error && lastError instanceof RemotingError) throw lastError;
    throw new MQClientError(`send to ${topic} failed within ${timeoutMs} ms: ${String(lastError ?? 'timeout')}`, {
      cause: lastError,
    });
  }

  /**
   * Route of the topic; for a new topic, TBW102's brokers so an auto-create broker makes it (10.4). The
   * derived route is kept, like Java's topicPublishInfoTable, so sends go on while NameServers are down.
   */
  private async publishInfo(topic: string): Promise<TopicPublishInfo> {
    const instance = this.started();
    let info: TopicPublishInfo | undefined;
    try {
      info = await instance.publishInfo(topic);
    } catch (error) {
      const fallback = this.derivedRoutes.get(topic);
      if (fallback !== undefined) return fallback;
      throw error;
    }
    if (info !== undefined && info.queues.length > 0) {
      this.derivedRoutes.delete(topic);
      return info;
    }
    const template = await instance.topicRoute(AUTO_CREATE_TOPIC_KEY_TOPIC);
    if (template !== undefined) {
      const route: TopicRouteData = {
        ...template,
        queueDatas: template.queueDatas.map((q) => ({
          ...q,
          readQueueNums: Math.min(q.readQueueNums, this.options.defaultTopicQueueNums),
          writeQueueNums: Math.min(q.writeQueueNums, this.options.defaultTopicQueueNums),
        })),
      };
      const derived = publishInfoOf(topic, route);
      if (derived.queues.length > 0 && route.brokerDatas.some((b) => masterAddr(b) !== undefined)) {
        this.derivedRoutes.set(topic, derived);
        return derived;
      }
    }
    throw new TopicRouteError(`no route for topic ${topic} (not created, and no broker auto-creates it)`);
  }

  /** Round robin over the topic's queues, skipping avoided brokers and the broker that just failed. */
  private selectQueue(topic: string, info: TopicPublishInfo, avoid: string | undefined): MessageQueue {
    const queues = info.queues;
    let start = this.nextQueue.get(topic) ?? Math.floor(Math.random() * queues.length);
    for (let i = 0; i < queues.length; i++) {
      const queue = queues[(start + i) % queues.length]!;
      if (queue.brokerName === avoid) continue;
      if (this.options.sendLatencyFaultEnable && !this.faults.isAvailable(queue.brokerName)) continue;
      this.nextQueue.set(topic, start + i + 1);
      return queue;
    }
    for (let i = 0; i < queues.length; i++) {
      const queue = queues[(start + i) % queues.length]!;
      if (queue.brokerName !== avoid || i === queues.length - 1) {
        start = start + i + 1;
        this.nextQueue.set(topic, start);
        return queue;
      }
    }
    return queues[start % queues.length]!;
  }
}

/** Thrown by a local transaction to leave the outcome to the broker's check-back. */
export class TransactionUnknownError extends MQClientError {
  override name = 'TransactionUnknownError';
}

function isRetriable(error: unknown): boolean {
  if (error instanceof MQBrokerError) return error.retriable;
  return (
    error instanceof RemotingConnectError ||
    error instanceof RemotingTimeoutError ||
    (error instanceof RemotingError && error.responseCode === undefined)
  );
}

/** The reply to a request message: same correlation, sent to `<CLUSTER>_REPLY_TOPIC` (10.6). */
export function createReply(request: MessageExt, body: Buffer, properties: Record<string, string> = {}): Message {
  const cluster = request.properties[MessageConst.CLUSTER];
  const correlationId = request.properties[MessageConst.CORRELATION_ID];
  const replyTo = request.properties[MessageConst.REPLY_TO_CLIENT];
  if (cluster === undefined || correlationId === undefined || replyTo === undefined) {
    throw new MQClientError('not a request message: CLUSTER, CORRELATION_ID or REPLY_TO_CLIENT is missing');
  }
  return {
    topic: replyTopic(cluster),
    body,
    properties: {
      ...properties,
      [MessageConst.CORRELATION_ID]: correlationId,
      [MessageConst.REPLY_TO_CLIENT]: replyTo,
      [MessageConst.TTL]: request.properties[MessageConst.TTL] ?? '3000',
      [MessageConst.MSG_TYPE]: 'reply',
    },
  };
}
