/**
 * ServerRocketMQ: the Nest transport strategy on the consumer side (NESTJS.md F1, "Consumer", "Ack
 * semantics"). One PushConsumer per consumer group; every message is routed by topic and tag (exact tag
 * first, then `*`) to its Nest handlers, whose outcome is the ack: resolved = consumed, error = retried with
 * the broker's back-off (then the DLQ), RocketMQDeadLetterException = DLQ now. `@MessagePattern` handlers
 * answer request-reply messages. close() stops pulling, drains running handlers and persists offsets.
 */
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { ConsumeResult, MessageExt, Producer, PushConsumer, PushConsumerStats, createReply } from '@rocketnest/client';
import type { Logger, MessageQueue } from '@rocketnest/protocol';
import { CONTENT_TYPE_PROPERTY, ERROR_PROPERTY, ROCKETMQ_TRANSPORT } from '../constants.js';
import { RocketMQContext } from '../context/rocketmq.context.js';
import { RocketMQDeadLetterException } from '../exceptions.js';
import { nestLogger } from '../nest-logger.js';
import { encodeBody } from '../serialization/body-codec.js';
import {
  GroupPlan,
  RouteEntry,
  planConsumerGroups,
  selectRoutes,
  subscriptionExpression,
  unchainHandlers,
} from './handler-routes.js';
import {
  ResolvedServerRocketMQOptions,
  ServerRocketMQOptions,
  clientOptionsOf,
  resolveServerRocketMQOptions,
} from './server-rocketmq-options.js';

/** `server.status`: connected after listen, rebalancing while a group's queues move, then closed. */
export type RocketMQServerStatus = 'connected' | 'rebalancing' | 'disconnected' | 'closed';

export type RocketMQServerEvents = {
  /** A group's queue assignment changed. */
  rebalance: (group: string, queues: MessageQueue[]) => void;
  /** A handler failed; the message will be retried (or dead-lettered after the last retry). */
  error: (error: unknown, context: RocketMQContext) => void;
  /** A message was sent to the DLQ at once (RocketMQDeadLetterException, undecodable body). */
  deadLetter: (reason: unknown, context: RocketMQContext) => void;
};

/** What `unwrap()` returns. */
export interface RocketMQServerHandles {
  consumers: PushConsumer[];
  replyProducer: Producer | null;
}

const NO_REPLY_HANDLER = 'There is no matching message handler defined in the remote service.';

export class ServerRocketMQ
  extends Server<RocketMQServerEvents, RocketMQServerStatus>
  implements CustomTransportStrategy
{
  override readonly transportId = ROCKETMQ_TRANSPORT;
  /** Event handler failures reach us (and become retries) instead of being logged and dropped. */
  override readonly propagatesEventHandlerErrors = true;
  readonly options: ResolvedServerRocketMQOptions;
  private readonly consumers: PushConsumer[] = [];
  private replyProducer: Producer | null = null;
  private routes: Array<[string, MessageHandler]> | null = null;
  private readonly log: Logger;
  private readonly listeners: { [K in keyof RocketMQServerEvents]: Array<RocketMQServerEvents[K]> } = {
    rebalance: [],
    error: [],
    deadLetter: [],
  };

  constructor(options: ServerRocketMQOptions) {
    super();
    this.options = resolveServerRocketMQOptions(options);
    this.log = options.logger ?? nestLogger('ServerRocketMQ');
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      // Nest chains handlers of one pattern; we run each on its own (the table is read once).
      this.routes ??= unchainHandlers(this.getHandlers());
      const plans = planConsumerGroups(this.routes, this.options.group, this.options.patternToTopic, (route) =>
        this.log.warn('handler pattern is not a RocketMQ destination; ignored', { route }),
      );
      if ([...plans.values()].some((plan) => hasRequestHandlers(plan))) await this.startReplyProducer();
      await Promise.all([...plans.values()].map((plan) => this.startConsumer(plan)));
      this._status$.next('connected');
      callback();
    } catch (error) {
      await this.close();
      callback(error);
    }
  }

  private async startConsumer(plan: GroupPlan): Promise<void> {
    const { options } = this;
    const { settings } = plan;
    const consumer = new PushConsumer({
      ...options.consumer,
      ...clientOptionsOf(options),
      logger: this.log,
      group: plan.name,
      consumeMode: settings.consumeMode ?? options.consumeMode,
      messageModel: settings.messageModel ?? options.messageModel,
      maxReconsumeTimes: settings.maxReconsumeTimes ?? options.maxReconsumeTimes,
      concurrency: settings.concurrency ?? options.concurrency,
      consumeFromWhere: settings.consumeFromWhere ?? options.consumeFromWhere,
      consumeTimestamp: options.consumeTimestamp,
      shutdownTimeoutMs: options.shutdownTimeoutMs,
    });
    for (const [topic, entries] of plan.routes) consumer.subscribe(topic, subscriptionExpression(entries));
    consumer.onMessage((message) => this.onMessage(plan, message));
    consumer.on('rebalance', (queues) => {
      this._status$.next('rebalancing');
      for (const listener of this.listeners.rebalance) listener(plan.name, queues);
      this._status$.next('connected');
    });
    this.consumers.push(consumer);
    await consumer.start();
  }

  private async startReplyProducer(): Promise<void> {
    const { options } = this;
    const producer = new Producer({
      ...clientOptionsOf(options),
      group: options.replyProducerGroup,
      logger: this.log,
    });
    this.replyProducer = producer;
    await producer.start();
  }

  /** One delivery: decode, route, run, and turn the outcome into the consumer's ack. */
  private async onMessage(plan: GroupPlan, message: MessageExt): Promise<ConsumeResult> {
    const routes = selectRoutes(plan, message);
    const context = new RocketMQContext([message, plan.name]);
    // Every group subscribed to the topic sees a request; only groups answering on it may reply, so an
    // event-only group never races the responder with an error.
    const responder = context.isRequest() && (plan.routes.get(message.topic) ?? []).some((entry) => !entry.isEvent);
    const request = responder ? routes.find((entry) => !entry.isEvent) : undefined;
    const events = routes.filter((entry) => entry.isEvent);
    let data: unknown;
    try {
      data = this.options.deserializer.deserialize(message.body, message.properties[CONTENT_TYPE_PROPERTY]);
    } catch (error) {
      this.log.error('undecodable message body: sent to the dead-letter queue', {
        msgId: message.msgId,
        topic: message.topic,
        error,
      });
      if (responder) await this.reply(message, undefined, { status: 'error', message: String(error) });
      this.notify('deadLetter', error, context);
      return 'DEAD_LETTER';
    }
    if (request !== undefined) return this.answer(request, data, context);
    if (responder) await this.reply(message, undefined, { status: 'error', message: NO_REPLY_HANDLER });
    if (events.length === 0) {
      if (!context.isRequest())
        this.log.warn('no handler for message; consumed', { topic: message.topic, tag: message.tags });
      return 'SUCCESS';
    }
    const outcomes = await Promise.all(events.map((entry) => this.runEvent(entry.handler, data, context)));
    if (outcomes.includes('DEAD_LETTER')) return 'DEAD_LETTER';
    return outcomes.includes('RECONSUME_LATER') ? 'RECONSUME_LATER' : 'SUCCESS';
  }

  /** Runs a Nest event handler (Nest's pipes, guards, interceptors, filters) and reads its outcome. */
  private async runEvent(handler: MessageHandler, data: unknown, context: RocketMQContext): Promise<ConsumeResult> {
    try {
      await this.withProcessingHooks(context, async () => {
        const result: unknown = await handler(data, context);
        await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
      });
      return 'SUCCESS';
    } catch (error) {
      if (isDeadLetter(error)) {
        this.log.warn('handler sent the message to the dead-letter queue', {
          msgId: context.getMsgId(),
          topic: context.getTopic(),
          group: context.getGroup(),
          reason: (error as RocketMQDeadLetterException).reason,
        });
        this.notify('deadLetter', error, context);
        return 'DEAD_LETTER';
      }
      this.log.debug('handler failed; the message will be retried', {
        msgId: context.getMsgId(),
        reconsumeTimes: context.getReconsumeTimes(),
        error: describeError(error),
      });
      this.notify('error', error, context);
      return 'RECONSUME_LATER';
    }
  }

  /** A request is consumed once answered: its outcome travels in the reply, never as a retry. */
  private async answer(entry: RouteEntry, data: unknown, context: RocketMQContext): Promise<ConsumeResult> {
    let value: unknown;
    let failure: unknown;
    try {
      await this.withProcessingHooks(context, async () => {
        const result: unknown = await entry.handler(data, context);
        value = await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
      });
    } catch (error) {
      failure = error ?? { status: 'error', message: 'handler failed' };
    }
    await this.reply(context.getMessage(), value, failure);
    return 'SUCCESS';
  }

  private async reply(request: MessageExt, value: unknown, failure: unknown): Promise<void> {
    const producer = this.replyProducer;
    try {
      if (producer === null) throw new Error('no reply producer (the server has no @MessagePattern handler)');
      const encoded = encodeBody(failure === undefined ? (value ?? null) : null, this.options.serializer);
      const properties: Record<string, string> = {};
      if (encoded.contentType !== undefined) properties[CONTENT_TYPE_PROPERTY] = encoded.contentType;
      if (failure !== undefined) properties[ERROR_PROPERTY] = JSON.stringify(describeError(failure));
      await producer.sendReply(createReply(request, encoded.body, properties));
    } catch (error) {
      // The requester times out; a retry would run the handler again for nobody.
      this.log.warn('reply could not be sent', { msgId: request.msgId, error });
    }
  }

  /** Nest's processing hooks (instrumentation) around one handler call; resolves with the call's outcome. */
  private withProcessingHooks(context: RocketMQContext, work: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const started: unknown = this.runWithProcessingHooks(context, async (runEndHook) => {
        try {
          await work();
          resolve();
        } catch (error) {
          reject(error);
        } finally {
          runEndHook();
        }
      });
      if (started instanceof Promise) started.then(undefined, reject);
    });
  }

  /** Stops pulling, waits for running handlers, persists offsets, leaves the groups, then the replier. */
  async close(): Promise<void> {
    const consumers = this.consumers.splice(0);
    const results = await Promise.allSettled(consumers.map((consumer) => consumer.shutdown()));
    if (consumers.length > 0) this._status$.next('disconnected');
    const producer = this.replyProducer;
    this.replyProducer = null;
    if (producer !== null) await producer.shutdown();
    this._status$.next('closed');
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  on<
    EventKey extends keyof RocketMQServerEvents = keyof RocketMQServerEvents,
    EventCallback extends RocketMQServerEvents[EventKey] = RocketMQServerEvents[EventKey],
  >(event: EventKey, callback: EventCallback): void {
    (this.listeners[event] as EventCallback[]).push(callback);
  }

  unwrap<T = RocketMQServerHandles>(): T {
    const handles: RocketMQServerHandles = { consumers: [...this.consumers], replyProducer: this.replyProducer };
    return handles as T;
  }

  /** Per consumer group: consumed, failed, sent back for retry, dead-lettered. */
  getStats(): Record<string, PushConsumerStats> {
    return Object.fromEntries(this.consumers.map((consumer) => [consumer.group, { ...consumer.stats }]));
  }

  private notify<K extends 'error' | 'deadLetter'>(event: K, error: unknown, context: RocketMQContext): void {
    for (const listener of this.listeners[event]) {
      try {
        listener(error, context);
      } catch (thrown) {
        this.log.warn(`${event} listener threw`, { error: thrown });
      }
    }
  }
}

function hasRequestHandlers(plan: GroupPlan): boolean {
  return [...plan.routes.values()].some((entries) => entries.some((entry) => !entry.isEvent));
}

/** The exceptions layer rethrows a RocketMQDeadLetterException as itself (its getError()). */
function isDeadLetter(error: unknown): boolean {
  return (
    error instanceof RocketMQDeadLetterException ||
    (typeof error === 'object' &&
      error !== null &&
      (error as { name?: unknown }).name === 'RocketMQDeadLetterException')
  );
}

/** What an error looks like after Nest's exceptions layer: RpcException#getError() or `{ status, message }`. */
function describeError(error: unknown): unknown {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return error;
}
