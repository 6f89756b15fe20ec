/**
 * ServerRocketMQ: the Nest transport strategy on the consumer side (NESTJS.md F1, "Consumer", "Ack
 * semantics"). One PushConsumer per consumer group; every message is routed by topic and tag (exact tag
 * first, then `*`) to the Nest handler, whose outcome is the ack: resolved = consumed, error = retried with
 * the broker's back-off (then DLQ), RocketMQDeadLetterException = DLQ now. `@MessagePattern` handlers answer
 * request-reply messages. close() drains running handlers and persists offsets.
 */
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { ConsumeResult, MessageExt, Producer, PushConsumer, createReply } from '@rocketnest/client';
import type { Logger } from '@rocketnest/protocol';
import { CONTENT_TYPE_PROPERTY, ERROR_PROPERTY, ROCKETMQ_TRANSPORT } from '../constants.js';
import { RocketMQContext } from '../context/rocketmq.context.js';
import { RocketMQConfigurationError, RocketMQDeadLetterException } from '../exceptions.js';
import { nestLogger } from '../nest-logger.js';
import { defaultPatternToTopic, routeToDestination, tagsOf } from '../pattern.js';
import {
  BodyDeserializer,
  BodySerializer,
  defaultDeserializer,
  encodeBody,
  resolveSerializer,
} from '../serialization/body-codec.js';
import type { RocketMQHandlerOptions } from '../decorators/topic.decorator.js';
import type { ServerRocketMQOptions } from './server-rocketmq-options.js';

export type RocketMQServerStatus = 'connected' | 'rebalancing' | 'disconnected' | 'closed';

interface RouteEntry {
  readonly topic: string;
  /** [] = every tag. */
  readonly tags: readonly string[];
  readonly handler: MessageHandler;
  readonly isEvent: boolean;
}

interface GroupPlan {
  readonly name: string;
  readonly settings: RocketMQHandlerOptions;
  /** topic -> routes */
  readonly routes: Map<string, RouteEntry[]>;
}

type RocketMQServerEvents = {
  rebalance: (group: string, queues: number) => void;
  error: (error: unknown) => void;
};

export class ServerRocketMQ
  extends Server<RocketMQServerEvents, RocketMQServerStatus>
  implements CustomTransportStrategy
{
  override readonly transportId = ROCKETMQ_TRANSPORT;
  override readonly propagatesEventHandlerErrors = true;
  private readonly consumers: PushConsumer[] = [];
  private replyProducer: Producer | null = null;
  private readonly bodySerializer: BodySerializer;
  private readonly bodyDeserializer: BodyDeserializer;
  private readonly log: Logger;
  private readonly listeners: Array<[keyof RocketMQServerEvents, RocketMQServerEvents[keyof RocketMQServerEvents]]> =
    [];

  constructor(readonly options: ServerRocketMQOptions) {
    super();
    if (typeof options.group !== 'string' || options.group === '')
      throw new RocketMQConfigurationError('ServerRocketMQ needs a consumer group');
    this.bodySerializer = resolveSerializer(options.serializer);
    this.bodyDeserializer = options.deserializer ?? defaultDeserializer;
    this.log = options.logger ?? nestLogger('ServerRocketMQ');
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const plans = this.planGroups();
      for (const plan of plans.values()) await this.startConsumer(plan);
      this._status$.next('connected');
      callback();
    } catch (error) {
      await this.close();
      callback(error);
    }
  }

  /** Groups the handlers by consumer group and topic; fails on contradictory settings in one group. */
  private planGroups(): Map<string, GroupPlan> {
    const plans = new Map<string, GroupPlan>();
    const patternToTopic = this.options.patternToTopic ?? defaultPatternToTopic;
    for (const [route, handler] of this.getHandlers()) {
      const destination = routeToDestination(route, patternToTopic);
      if (destination === undefined) {
        this.log.warn('handler pattern is not a RocketMQ destination; ignored', { route });
        continue;
      }
      const extras = (handler.extras ?? {}) as RocketMQHandlerOptions;
      const name = extras.group ?? this.options.group;
      if (name.length > 120)
        throw new RocketMQConfigurationError(`consumer group ${name} is longer than 120 characters`);
      let plan = plans.get(name);
      if (plan === undefined) {
        plan = { name, settings: {}, routes: new Map() };
        plans.set(name, plan);
      }
      for (const key of [
        'consumeMode',
        'messageModel',
        'maxReconsumeTimes',
        'concurrency',
        'consumeFromWhere',
      ] as const) {
        const value = extras[key];
        if (value === undefined) continue;
        const previous = plan.settings[key];
        if (previous !== undefined && previous !== value) {
          throw new RocketMQConfigurationError(
            `handlers of consumer group ${name} disagree on ${key} (${String(previous)} vs ${String(value)})`,
          );
        }
        (plan.settings as Record<string, unknown>)[key] = value;
      }
      const entries = plan.routes.get(destination.topic) ?? [];
      entries.push({
        topic: destination.topic,
        tags: tagsOf(destination.tag),
        handler,
        isEvent: handler.isEventHandler === true,
      });
      plan.routes.set(destination.topic, entries);
    }
    return plans;
  }

  private async startConsumer(plan: GroupPlan): Promise<void> {
    const { options } = this;
    const consumer = new PushConsumer({
      ...options.consumer,
      namesrvAddr: options.namesrvAddr,
      instanceName: options.instanceName,
      clientIP: options.clientIP,
      credentials: options.credentials,
      requestTimeoutMs: options.requestTimeoutMs,
      heartbeatBrokerIntervalMs: options.heartbeatBrokerIntervalMs,
      pollNameServerIntervalMs: options.pollNameServerIntervalMs,
      persistConsumerOffsetIntervalMs: options.persistConsumerOffsetIntervalMs,
      logger: this.log,
      group: plan.name,
      consumeMode: plan.settings.consumeMode ?? options.consumeMode,
      messageModel: plan.settings.messageModel ?? options.messageModel,
      maxReconsumeTimes: plan.settings.maxReconsumeTimes ?? options.maxReconsumeTimes,
      concurrency: plan.settings.concurrency ?? options.concurrency,
      consumeFromWhere: plan.settings.consumeFromWhere ?? options.consumeFromWhere,
      shutdownTimeoutMs: options.shutdownTimeoutMs,
    });
    for (const [topic, entries] of plan.routes) {
      const all = entries.some((entry) => entry.tags.length === 0);
      const tags = [...new Set(entries.flatMap((entry) => entry.tags))];
      consumer.subscribe(topic, all ? '*' : tags.join(' || '));
    }
    consumer.onMessage((message) => this.onMessage(plan, message));
    consumer.on('rebalance', (queues) => {
      this._status$.next('rebalancing');
      for (const [event, listener] of this.listeners)
        if (event === 'rebalance') (listener as RocketMQServerEvents['rebalance'])(plan.name, queues.length);
      this._status$.next('connected');
    });
    this.consumers.push(consumer);
    await consumer.start();
  }

  private async onMessage(plan: GroupPlan, message: MessageExt): Promise<ConsumeResult> {
    const entries = plan.routes.get(message.topic) ?? [];
    const tag = message.tags;
    const exact = tag === undefined ? [] : entries.filter((entry) => entry.tags.includes(tag));
    const chosen = exact.length > 0 ? exact : entries.filter((entry) => entry.tags.length === 0);
    const context = new RocketMQContext([message, plan.name]);
    const request = context.isRequest() ? chosen.find((entry) => !entry.isEvent) : undefined;
    let data: unknown;
    try {
      data = this.bodyDeserializer.deserialize(message.body, message.properties[CONTENT_TYPE_PROPERTY]);
    } catch (error) {
      this.log.error('undecodable message body: sent to the dead-letter queue', {
        msgId: message.msgId,
        topic: message.topic,
        error: String(error),
      });
      if (request !== undefined) await this.reply(message, undefined, error);
      return 'DEAD_LETTER';
    }
    if (request !== undefined) return this.answerRequest(request, data, context);
    const events = chosen.filter((entry) => entry.isEvent);
    if (events.length === 0) {
      this.log.warn('no handler for message; consumed', { topic: message.topic, tag, msgId: message.msgId });
      return 'SUCCESS';
    }
    let outcome: ConsumeResult = 'SUCCESS';
    for (const entry of events) {
      const result = await this.runEvent(entry.handler, data, context);
      if (result === 'DEAD_LETTER' || (result === 'RECONSUME_LATER' && outcome === 'SUCCESS')) outcome = result;
    }
    return outcome;
  }

  /** Runs a Nest event handler (and its `.next` chain handled by Nest) and turns its outcome into an ack. */
  private async runEvent(handler: MessageHandler, data: unknown, context: RocketMQContext): Promise<ConsumeResult> {
    try {
      const result: unknown = await handler(data, context);
      await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
      return 'SUCCESS';
    } catch (error) {
      if (isDeadLetter(error)) return 'DEAD_LETTER';
      this.log.debug('handler failed; the message will be retried', {
        msgId: context.getMsgId(),
        reconsumeTimes: context.getReconsumeTimes(),
        error: describeError(error),
      });
      for (const [event, listener] of this.listeners)
        if (event === 'error') (listener as RocketMQServerEvents['error'])(error);
      return 'RECONSUME_LATER';
    }
  }

  private async answerRequest(entry: RouteEntry, data: unknown, context: RocketMQContext): Promise<ConsumeResult> {
    let value: unknown;
    let failure: unknown;
    try {
      const result: unknown = await entry.handler(data, context);
      value = await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
    } catch (error) {
      failure = error;
    }
    await this.reply(context.getMessage(), value, failure);
    return 'SUCCESS';
  }

  private async reply(request: MessageExt, value: unknown, failure: unknown): Promise<void> {
    try {
      const producer = await this.replier();
      const encoded = encodeBody(failure === undefined ? (value ?? null) : null, this.bodySerializer);
      const properties: Record<string, string> = { [CONTENT_TYPE_PROPERTY]: encoded.contentType };
      if (failure !== undefined) properties[ERROR_PROPERTY] = JSON.stringify(describeError(failure));
      await producer.sendReply(createReply(request, encoded.body, properties));
    } catch (error) {
      this.log.warn('reply could not be sent', { msgId: request.msgId, error: String(error) });
    }
  }

  private async replier(): Promise<Producer> {
    if (this.replyProducer === null) {
      const producer = new Producer({
        group: `${this.options.group}-replier`,
        namesrvAddr: this.options.namesrvAddr,
        instanceName: this.options.instanceName,
        credentials: this.options.credentials,
        logger: this.log,
      });
      this.replyProducer = producer;
      await producer.start();
    }
    return this.replyProducer;
  }

  /** Stops pulling, waits for running handlers, persists offsets, leaves the group. */
  async close(): Promise<void> {
    const consumers = this.consumers.splice(0);
    for (const consumer of consumers) await consumer.shutdown();
    await this.replyProducer?.shutdown();
    this.replyProducer = null;
    this._status$.next('closed');
  }

  on<
    EventKey extends keyof RocketMQServerEvents = keyof RocketMQServerEvents,
    EventCallback extends RocketMQServerEvents[EventKey] = RocketMQServerEvents[EventKey],
  >(event: EventKey, callback: EventCallback): void {
    this.listeners.push([event, callback]);
  }

  unwrap<T>(): T {
    return { consumers: [...this.consumers], producer: this.replyProducer } as T;
  }
}

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
