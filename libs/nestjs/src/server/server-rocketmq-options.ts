import type { ClientOptions, PushConsumerOptions } from '@rocketnest/client';
import { RocketMQConfigurationError } from '../exceptions.js';
import { PatternToTopic, defaultPatternToTopic } from '../pattern.js';
import {
  BodyDeserializer,
  BodySerializer,
  SerializerOption,
  defaultDeserializer,
  resolveSerializer,
} from '../serialization/body-codec.js';

/**
 * `new ServerRocketMQ(options)`: the consumer side of the transport (NESTJS.md "Consumer"). Consumer
 * settings left undefined take the PushConsumer defaults; a handler's `@Topic(t, options)` / `@EventPattern`
 * extras override them for its consumer group.
 */
export interface ServerRocketMQOptions extends ClientOptions {
  /** Default consumer group of handlers without their own `group`. */
  group: string;
  /** 'concurrently' (default) or 'orderly' (one message at a time per queue, in order). */
  consumeMode?: 'concurrently' | 'orderly';
  /** CLUSTERING (default: each message to one member of the group) or BROADCASTING (to every member). */
  messageModel?: 'CLUSTERING' | 'BROADCASTING';
  /** Handler calls in flight per group (20). */
  concurrency?: number;
  /** Deliveries before the DLQ (16 concurrent; -1 = forever, the orderly default). */
  maxReconsumeTimes?: number;
  /** Where a group without committed offsets starts (last offset). */
  consumeFromWhere?: PushConsumerOptions['consumeFromWhere'];
  /** With CONSUME_FROM_TIMESTAMP (ms since the epoch). */
  consumeTimestamp?: number;
  /** How long close() waits for running handlers (30 s). */
  shutdownTimeoutMs?: number;
  /** Encodes replies of `@MessagePattern` handlers (msgpack by default). */
  serializer?: SerializerOption;
  /** Decodes bodies (default: by content-type, then sniffing JSON / text / bytes). */
  deserializer?: BodyDeserializer;
  /** Maps string patterns to topic names (default: characters not allowed in topics become `_`). */
  patternToTopic?: PatternToTopic;
  /** Producer group that sends replies (`<group>-replier`). */
  replyProducerGroup?: string;
  /** Fine tuning passed to every PushConsumer (pull batch, rebalance interval, flow control...). */
  consumer?: Partial<Omit<PushConsumerOptions, 'group' | keyof ClientOptions>>;
}

export interface ResolvedServerRocketMQOptions extends Readonly<
  Omit<ServerRocketMQOptions, 'serializer' | 'deserializer' | 'patternToTopic'>
> {
  readonly serializer: BodySerializer;
  readonly deserializer: BodyDeserializer;
  readonly patternToTopic: PatternToTopic;
  readonly replyProducerGroup: string;
}

/** RocketMQ rejects longer group names (CHARACTER_MAX_LENGTH for groups). */
export const MAX_GROUP_NAME_LENGTH = 120;

export const DEFAULT_SERVER_ROCKETMQ_OPTIONS = Object.freeze({
  serializer: 'msgpack' as SerializerOption,
  deserializer: defaultDeserializer,
  patternToTopic: defaultPatternToTopic,
});

export function assertGroupName(group: unknown): asserts group is string {
  if (typeof group !== 'string' || group.trim() === '')
    throw new RocketMQConfigurationError('a consumer group is required');
  if (group.length > MAX_GROUP_NAME_LENGTH)
    throw new RocketMQConfigurationError(`consumer group ${group} is longer than ${MAX_GROUP_NAME_LENGTH} characters`);
  if (!/^[%|a-zA-Z0-9_-]+$/.test(group))
    throw new RocketMQConfigurationError(`consumer group ${group} may only contain letters, digits, %, |, _ and -`);
}

export function resolveServerRocketMQOptions(options: ServerRocketMQOptions): ResolvedServerRocketMQOptions {
  assertGroupName(options.group);
  if (options.concurrency !== undefined && !(Number.isInteger(options.concurrency) && options.concurrency > 0))
    throw new RocketMQConfigurationError('concurrency must be a positive integer');
  if (options.maxReconsumeTimes !== undefined && !Number.isInteger(options.maxReconsumeTimes))
    throw new RocketMQConfigurationError('maxReconsumeTimes must be an integer (-1 = forever)');
  return Object.freeze({
    ...options,
    serializer: resolveSerializer(options.serializer ?? DEFAULT_SERVER_ROCKETMQ_OPTIONS.serializer),
    deserializer: options.deserializer ?? DEFAULT_SERVER_ROCKETMQ_OPTIONS.deserializer,
    patternToTopic: options.patternToTopic ?? DEFAULT_SERVER_ROCKETMQ_OPTIONS.patternToTopic,
    replyProducerGroup: options.replyProducerGroup ?? `${options.group}-replier`,
  });
}

/** The client-instance part of server options: every ClientOptions field passes through untouched. */
export function clientOptionsOf(options: ResolvedServerRocketMQOptions): ClientOptions {
  const {
    group: _group,
    consumeMode: _consumeMode,
    messageModel: _messageModel,
    concurrency: _concurrency,
    maxReconsumeTimes: _maxReconsumeTimes,
    consumeFromWhere: _consumeFromWhere,
    consumeTimestamp: _consumeTimestamp,
    shutdownTimeoutMs: _shutdownTimeoutMs,
    serializer: _serializer,
    deserializer: _deserializer,
    patternToTopic: _patternToTopic,
    replyProducerGroup: _replyProducerGroup,
    consumer: _consumer,
    ...client
  } = options;
  return client;
}
