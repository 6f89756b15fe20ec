/**
 * The Producer (broker-semantics.md 6.1, 7.1, 10): sends with retries on another broker inside one time
 * budget, optional latency-based fault avoidance, ordered sends by sharding key or selector (one attempt,
 * never elsewhere), one-way and batch sends, transactional sends with a check-back checker, and
 * request-reply. Every send is a promise; concurrent sends are pipelined on the broker connections.
 */
import {
  AUTO_CREATE_TOPIC_KEY_TOPIC,
  CHECK_TRANSACTION_STATE_REQUEST_HEADER,
  Logger,
  MessageConst,
  MessageQueue,
  MessageSysFlag,
  NOOP_LOGGER,
  RemotingCommand,
  RemotingError,
  SendMessageRequestHeader,
  TopicRouteData,
  childLogger,
  decodeStoredMessage,
  encodeProperties,
  masterAddr,
} from '@rocketnest/protocol';
import { SendKind, SendResult } from '../api/mq-client-api.js';
import { MQBrokerError, MQClientError, SendTimeoutError, TopicRouteError } from '../errors.js';
import { ClientInstance, ClientMember } from '../instance/client-instance.js';
import { TopicPublishInfo, publishInfoOf } from '../instance/topic-route-table.js';
import { Message, MessageExt, toMessageExt } from '../message/message.js';
import {
  encodeBatch,
  encodeMessage,
  messageProperties,
  validateMessage,
  type EncodeOptions,
} from './message-encoding.js';
import { ProducerOptions, ResolvedProducerOptions, resolveProducerOptions } from './producer-options.js';
import { QueueSelection, QueueSelector, selectQueueByKey } from './queue-selection.js';
import { PendingRequests, createReply } from './request-reply.js';
import {
  LocalTransaction,
  LocalTransactionExecutor,
  TransactionChecker,
  TransactionResult,
  TransactionSendResult,
  TransactionState,
  TransactionUnknownError,
  checkAnswerHeader,
  endTransactionHeader,
  isTransactionState,
} from './transaction.js';

export interface SendOptions {
  /** Ordered messages: the same key always lands on the same queue (hash of the key, 7.1). */
  shardingKey?: string;
  /** Or a selector over the topic's publish queues. Selector sends are never retried on another queue. */
  selector?: QueueSelector;
  /** Or an explicit queue (one attempt). */
  queue?: MessageQueue;
  /** Budget of this send, retries included (default: the producer's sendTimeoutMs). */
  timeoutMs?: number;
}

/** Options of a transactional send: where the half message goes, and how the outcome is sent. */
export interface TransactionSendOptions extends SendOptions {
  /**
   * Send END_TRANSACTION as a request and wait for the broker's answer (default: oneway, as Java does).
   * When the call returns, a committed message is then already in its queue: a message sent next to the
   * same queue (same sharding key) is stored after it.
   */
  awaitCommit?: boolean;
}

/** What one send puts on the wire, whatever its attempts. */
interface PreparedSend {
  topic: string;
  body: Buffer;
  kind: SendKind;
  msgId: string;
  header(queue: MessageQueue): SendMessageRequestHeader;
  /** For selectors: the message as the user gave it. */
  message: Message;
}

export class Producer implements ClientMember {
  readonly options: ResolvedProducerOptions;
  readonly group: string;
  private instance: ClientInstance | null = null;
  private requests: PendingRequests | null = null;
  private readonly selection: QueueSelection;
  /** Routes derived from TBW102 for topics the NameServer does not know yet. */
  private readonly derivedRoutes = new Map<string, TopicPublishInfo>();
  private readonly logger: Logger;
  private checker: TransactionChecker | undefined;
  /** Single messages may be compressed; built once, not per send. */
  private readonly singleEncoding: EncodeOptions;

  constructor(options: ProducerOptions) {
    this.options = resolveProducerOptions(options);
    this.group = this.options.group;
    this.singleEncoding = {
      compressThresholdBytes: this.options.compressThresholdBytes,
      maxMessageSizeBytes: this.options.maxMessageSizeBytes,
      compress: true,
    };
    this.logger = childLogger(this.options.logger ?? NOOP_LOGGER, 'producer');
    this.selection = new QueueSelection(this.options.sendLatencyFaultEnable);
  }

  /** Joins the client instance of its clientId and heartbeats the brokers that instance knows. */
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
    this.requests = new PendingRequests(instance);
    await instance.sendHeartbeatToAllBrokers();
  }

  /** Fails pending requests, sends UNREGISTER_CLIENT to every known broker, releases the instance. */
  async shutdown(): Promise<void> {
    const instance = this.instance;
    if (instance === null) return;
    this.instance = null;
    this.requests?.cancelAll(new MQClientError(`producer ${this.group} shut down`));
    this.requests = null;
    instance.unregisterProducer(this.group);
    await Promise.all(
      instance.brokers.addresses(false).map((addr) =>
        instance.api
          .unregisterClient(addr, instance.clientId, { producerGroup: this.group })
          .catch((error: unknown) => {
            this.logger.warn('unregister failed', { brokerAddr: addr, error: String(error) });
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

  /**
   * Sends one message and resolves when the broker answered: SEND_OK, or a "stored but not safe" status
   * (FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT, SLAVE_NOT_AVAILABLE) reported as such. Retries another broker
   * for network errors and the retriable codes of 2.1.2, within `timeoutMs`.
   */
  async send(message: Message, options: SendOptions = {}): Promise<SendResult> {
    const prepared = this.prepareSingle(message, messageProperties(message), 0);
    return this.sendWithRetries(prepared, options);
  }

  /** Fire and forget: one attempt, resolved once written; the broker sends no answer. */
  async sendOneway(message: Message, options: SendOptions = {}): Promise<void> {
    const prepared = this.prepareSingle(message, messageProperties(message), 0);
    const instance = this.started();
    const info = await this.publishInfo(prepared.topic);
    const queue =
      this.pinnedQueue(info, prepared, options) ?? this.selection.select(prepared.topic, info.queues, undefined);
    const addr = this.masterAddress(instance, queue);
    await instance.api.sendMessageOneway(
      addr,
      {
        brokerName: queue.brokerName,
        header: prepared.header(queue),
        body: prepared.body,
        kind: prepared.kind,
        msgId: prepared.msgId,
      },
      options.timeoutMs ?? this.options.sendTimeoutMs,
    );
  }

  /**
   * One SEND_BATCH_MESSAGE: same topic and WAIT flag, no delay level, each message with its own UNIQ_KEY
   * (10.5). SendResult.msgId joins the UNIQ_KEYs with commas, offsetMsgId the broker's offset ids.
   */
  async sendBatch(messages: readonly Message[], options: SendOptions = {}): Promise<SendResult> {
    const batch = encodeBatch(messages, this.options.maxMessageSizeBytes);
    const topic = messages[0]!.topic;
    return this.sendWithRetries(
      {
        topic,
        body: batch.body,
        kind: 'batch',
        msgId: batch.uniqKeys.join(','),
        message: messages[0]!,
        header: (queue) => ({
          ...this.baseHeader(topic, queue.queueId, 0, 0),
          properties: batch.headerProperties,
          batch: true,
        }),
      },
      options,
    );
  }

  /**
   * Transactional send, Java `sendMessageInTransaction` (6.1): the half message (DELAY dropped, TRAN_MSG and
   * PGROUP set, sysFlag prepared) is sent like a normal message; if it was stored with SEND_OK, `execute`
   * runs and its answer ('commit' | 'rollback' | 'unknown'; a throw is 'unknown') goes to the broker as a
   * oneway END_TRANSACTION. Other send statuses roll back without running `execute`.
   */
  async sendMessageInTransaction(
    message: Message,
    execute: LocalTransactionExecutor,
    options: TransactionSendOptions = {},
  ): Promise<TransactionResult> {
    const sendResult = await this.sendHalf(message, options);
    let state: TransactionState = 'rollback';
    let error: unknown;
    if (sendResult.sendStatus === 'SEND_OK') {
      try {
        const answer: unknown = await execute(message, sendResult);
        state = isTransactionState(answer) ? answer : 'unknown';
        if (!isTransactionState(answer))
          this.logger.warn('local transaction returned no state; answering unknown', { msgId: sendResult.msgId });
      } catch (thrown) {
        error = thrown;
        state = 'unknown';
      }
    }
    await this.endTransaction(sendResult, state, error, options.awaitCommit === true);
    return { sendResult, state, error };
  }

  /**
   * Transactional send whose outcome follows `local`'s result: a value commits, a throw rolls back, a
   * TransactionUnknownError leaves the decision to the check-back. The value and error are returned.
   */
  async sendInTransaction<T>(
    message: Message,
    local: LocalTransaction<T>,
    options: TransactionSendOptions = {},
  ): Promise<TransactionSendResult<T>> {
    let value: T | undefined;
    let failure: unknown;
    const result = await this.sendMessageInTransaction(
      message,
      async (sent, sendResult) => {
        try {
          value = await local(sent, sendResult);
          return 'commit';
        } catch (thrown) {
          failure = thrown;
          return thrown instanceof TransactionUnknownError ? 'unknown' : 'rollback';
        }
      },
      options,
    );
    return { ...result, error: result.error ?? failure, value };
  }

  /**
   * Request-reply (10.6): sends `message` with CORRELATION_ID / REPLY_TO_CLIENT / TTL and resolves with the
   * reply a responder sends back (`reply`, or `createReply` + `sendReply`); SendTimeoutError after
   * `timeoutMs`.
   */
  async request(
    message: Message,
    timeoutMs = this.options.sendTimeoutMs,
    options: SendOptions = {},
  ): Promise<MessageExt> {
    const instance = this.started();
    const requests = this.requests!;
    const startedAt = Date.now();
    validateMessage(message, this.options.maxMessageSizeBytes);
    const properties = messageProperties(message);
    // The broker must know this client's channel before the reply comes: route first, then heartbeat.
    await this.publishInfo(message.topic);
    await instance.sendHeartbeatToAllBrokers();
    const remaining = Math.max(1, timeoutMs - (Date.now() - startedAt));
    const pending = requests.open(message.topic, remaining);
    properties[MessageConst.CORRELATION_ID] = pending.correlationId;
    properties[MessageConst.REPLY_TO_CLIENT] = instance.clientId;
    properties[MessageConst.TTL] = String(timeoutMs);
    const sendOptions = { ...options, timeoutMs: Math.min(remaining, options.timeoutMs ?? this.options.sendTimeoutMs) };
    const sending = (async () => this.sendWithRetries(this.prepareSingle(message, properties, 0), sendOptions))().catch(
      (error: unknown) => {
        pending.cancel(error instanceof Error ? error : new MQClientError(String(error)));
        throw error;
      },
    );
    // Both are awaited together: the reply may arrive before the send's own answer.
    const [, reply] = await Promise.all([sending, pending.reply]);
    return reply;
  }

  /** Sends a reply built with `createReply` (SEND_REPLY_MESSAGE_V2; the broker pushes it to the requester). */
  async sendReply(reply: Message, options: Pick<SendOptions, 'timeoutMs'> = {}): Promise<SendResult> {
    const prepared = this.prepareSingle(reply, messageProperties(reply, true), 0);
    return this.sendWithRetries({ ...prepared, kind: 'reply' }, options);
  }

  /** The responder side in one call: answers `request` (a message sent by `request()`) with `body`. */
  async reply(
    request: MessageExt,
    body: Buffer,
    properties: Readonly<Record<string, string>> = {},
  ): Promise<SendResult> {
    return this.sendReply(createReply(request, body, properties));
  }

  /** The topic's publish queues in TopicPublishInfo order (what selectors receive). */
  async fetchPublishMessageQueues(topic: string): Promise<MessageQueue[]> {
    return [...(await this.publishInfo(topic)).queues];
  }

  /** CHECK_TRANSACTION_STATE from a broker (via the instance): ask the checker, answer END_TRANSACTION. */
  checkTransaction(request: RemotingCommand, brokerAddr: string): void {
    const checker = this.checker;
    if (checker === undefined) {
      this.logger.warn('transaction check-back but no checker is set', { group: this.group, brokerAddr });
      return;
    }
    if (request.body === null) return;
    const instance = this.started();
    const header = CHECK_TRANSACTION_STATE_REQUEST_HEADER.decode(request.extFields);
    const message = toMessageExt(decodeStoredMessage(request.body), instance.brokers.brokerNameOf(brokerAddr) ?? '');
    void this.answerCheck(instance, checker, header, message, brokerAddr);
  }

  private async answerCheck(
    instance: ClientInstance,
    checker: TransactionChecker,
    header: ReturnType<typeof CHECK_TRANSACTION_STATE_REQUEST_HEADER.decode>,
    message: MessageExt,
    brokerAddr: string,
  ): Promise<void> {
    let state: TransactionState = 'unknown';
    let remark: string | null = null;
    try {
      const answer: unknown = await checker(message);
      if (isTransactionState(answer)) state = answer;
    } catch (error) {
      remark = errorText(error);
      this.logger.warn('transaction checker failed; answering unknown', { msgId: message.msgId, error: remark });
    }
    try {
      await instance.api.endTransaction(brokerAddr, checkAnswerHeader(this.group, header, message, state), remark);
    } catch (error) {
      this.logger.warn('END_TRANSACTION after a check failed', {
        msgId: message.msgId,
        brokerAddr,
        error: String(error),
      });
    }
  }

  private async sendHalf(message: Message, options: SendOptions): Promise<SendResult> {
    const properties = messageProperties({ ...message, delayTimeLevel: undefined });
    properties[MessageConst.TRAN_MSG] = 'true';
    properties[MessageConst.PGROUP] = this.group;
    const { shardingKey, selector, queue, timeoutMs } = options;
    return this.sendWithRetries(this.prepareSingle(message, properties, MessageSysFlag.TRANSACTION_PREPARED_TYPE), {
      shardingKey,
      selector,
      queue,
      timeoutMs,
    });
  }

  /**
   * END_TRANSACTION to the master that stored the half message, oneway unless `awaitAnswer`; a failure is
   * logged, not thrown (the broker checks the half message back).
   */
  private async endTransaction(
    sendResult: SendResult,
    state: TransactionState,
    error: unknown,
    awaitAnswer = false,
  ): Promise<void> {
    const instance = this.started();
    const brokerName = sendResult.messageQueue.brokerName;
    const addr = instance.brokers.master(brokerName);
    try {
      if (addr === undefined) throw new MQClientError(`no master address for broker ${brokerName}`);
      await instance.api.endTransaction(
        addr,
        endTransactionHeader(this.group, sendResult, state),
        error === undefined ? null : errorText(error),
        !awaitAnswer,
      );
    } catch (failure) {
      // Java logs and returns: the broker will check the half message back.
      this.logger.warn('END_TRANSACTION failed; the broker will check back', {
        msgId: sendResult.msgId,
        state,
        brokerAddr: addr,
        error: String(failure),
      });
    }
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

  /** Validates and encodes a single message once; every attempt reuses the body and UNIQ_KEY. */
  private prepareSingle(message: Message, properties: Record<string, string>, extraSysFlag: number): PreparedSend {
    validateMessage(message, this.options.maxMessageSizeBytes);
    this.started();
    const encoded = encodeMessage(message, properties, this.singleEncoding);
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
    return {
      topic: message.topic,
      body: encoded.body,
      kind: properties[MessageConst.MSG_TYPE] === 'reply' ? 'reply' : 'single',
      msgId: properties[MessageConst.UNIQ_KEY]!,
      message,
      header: (queue) => {
        const header = this.baseHeader(message.topic, queue.queueId, encoded.sysFlag | extraSysFlag, message.flag ?? 0);
        header.properties = propertiesText;
        header.reconsumeTimes = reconsumeTimes;
        if (maxReconsumeTimes !== undefined) header.maxReconsumeTimes = maxReconsumeTimes;
        return header;
      },
    };
  }

  private pinnedQueue(info: TopicPublishInfo, prepared: PreparedSend, options: SendOptions): MessageQueue | undefined {
    if (options.queue !== undefined) return options.queue;
    if (options.selector !== undefined) {
      const queue = options.selector(info.queues, prepared.message);
      if (queue === undefined) throw new MQClientError(`the selector chose no queue of ${prepared.topic}`);
      return queue;
    }
    if (options.shardingKey !== undefined) return selectQueueByKey(info.queues, options.shardingKey);
    return undefined;
  }

  private masterAddress(instance: ClientInstance, queue: MessageQueue): string {
    const addr = instance.brokers.master(queue.brokerName);
    if (addr === undefined)
      throw new MQClientError(`the broker[${queue.brokerName}] not exist or has no master`, { retriable: true });
    return addr;
  }

  /** The sync send algorithm of 10.2: up to 1 + retries attempts while the budget lasts. */
  private async sendWithRetries(prepared: PreparedSend, options: SendOptions): Promise<SendResult> {
    const instance = this.started();
    const timeoutMs = options.timeoutMs ?? this.options.sendTimeoutMs;
    const startedAt = Date.now();
    const info = await this.publishInfo(prepared.topic);
    const pinned = this.pinnedQueue(info, prepared, options);
    const attempts = pinned === undefined ? 1 + this.options.retryTimesWhenSendFailed : 1;
    let lastBroker: string | undefined;
    let lastError: unknown;
    let budgetSpent = false;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const remaining = timeoutMs - (Date.now() - startedAt);
      if (remaining <= 0) {
        budgetSpent = true;
        break;
      }
      const queue = pinned ?? this.selection.select(prepared.topic, info.queues, lastBroker);
      const attemptStarted = Date.now();
      try {
        const addr = this.masterAddress(instance, queue);
        const result = await instance.api.sendMessage(
          addr,
          {
            brokerName: queue.brokerName,
            header: prepared.header(queue),
            body: prepared.body,
            kind: prepared.kind,
            msgId: prepared.msgId,
          },
          remaining,
        );
        this.selection.record(queue.brokerName, Date.now() - attemptStarted, false);
        if (
          result.sendStatus !== 'SEND_OK' &&
          this.options.retryAnotherBrokerWhenNotStoreOK &&
          attempt + 1 < attempts
        ) {
          lastBroker = queue.brokerName;
          lastError = new MQClientError(`stored without durability: ${result.sendStatus}`);
          continue;
        }
        return result;
      } catch (error) {
        lastError = error;
        lastBroker = queue.brokerName;
        // Broker answers say the broker is alive: only network and client failures isolate it.
        this.selection.record(queue.brokerName, Date.now() - attemptStarted, !(error instanceof MQBrokerError));
        if (error instanceof MQBrokerError && !error.retriable) throw error;
        if (!(error instanceof RemotingError)) throw error;
        this.logger.debug('send attempt failed', {
          topic: prepared.topic,
          brokerName: queue.brokerName,
          attempt,
          error: String(error),
        });
      }
    }
    if (budgetSpent || lastError === undefined) {
      throw new SendTimeoutError(
        `send to ${prepared.topic} used up its ${timeoutMs} ms budget${lastError === undefined ? '' : `; last failure: ${errorText(lastError)}`}`,
        { cause: lastError },
      );
    }
    throw lastError;
  }

  /**
   * The topic's publish info; for a topic without route, TBW102's brokers so one auto-creates it (10.4).
   * The derived route is kept, like Java's topicPublishInfoTable, so sends go on while NameServers are down.
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
    throw new TopicRouteError(
      `No route info of this topic: ${topic} (not created, and no broker auto-creates it through ${AUTO_CREATE_TOPIC_KEY_TOPIC})`,
    );
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
