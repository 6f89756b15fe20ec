import type { ClientOptions, PushConsumerOptions } from '@rocketnest/client';
import type { PatternToTopic } from '../pattern.js';
import type { BodyDeserializer, SerializerOption } from '../serialization/body-codec.js';

/** `new ServerRocketMQ(options)`: the consumer side of the transport (NESTJS.md "Consumer"). */
export interface ServerRocketMQOptions extends ClientOptions {
  /** Default consumer group of handlers without their own `group`. */
  group: string;
  consumeMode?: 'concurrently' | 'orderly';
  messageModel?: 'CLUSTERING' | 'BROADCASTING';
  /** Handlers in flight per group (20). */
  concurrency?: number;
  /** Deliveries before the DLQ (16; -1 = forever). */
  maxReconsumeTimes?: number;
  consumeFromWhere?: PushConsumerOptions['consumeFromWhere'];
  /** How long close() waits for running handlers (30 s). */
  shutdownTimeoutMs?: number;
  /** Encodes replies of `@MessagePattern` handlers (msgpack by default). */
  serializer?: SerializerOption;
  deserializer?: BodyDeserializer;
  /** Maps string patterns to topic names (default: invalid characters become `_`). */
  patternToTopic?: PatternToTopic;
  /** Fine tuning passed to every PushConsumer (pull batch, rebalance interval, flow control...). */
  consumer?: Partial<Omit<PushConsumerOptions, 'group' | keyof ClientOptions>>;
}
