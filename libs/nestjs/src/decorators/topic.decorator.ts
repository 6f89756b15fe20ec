/**
 * `@Topic('order')` and `@Tag('paid')` (in any order) bind a handler to RocketMQ messages of a topic and a
 * tag expression (`paid`, `paid || refunded`, `*`). They compose Nest's
 * `@EventPattern({ topic, tag }, ROCKETMQ_TRANSPORT, extras)`, so pipes, guards, interceptors, filters,
 * `@Payload` and `@Ctx` work as on every transport, and the handler binds only to ServerRocketMQ.
 * The same settings ride on plain Nest decorators: `@EventPattern({ topic, tag }, { group: 'x' })`.
 */
import { EventPattern } from '@nestjs/microservices';
import { HANDLER_OPTIONS_METADATA, ROCKETMQ_TRANSPORT, TAG_METADATA, TOPIC_METADATA } from '../constants.js';

/** Per-handler consumer settings (Nest `extras`): a handler may live in its own consumer group. */
export interface RocketMQHandlerOptions {
  /** Consumer group of this handler (default: the server's). */
  group?: string;
  /** 'orderly': one message at a time per queue, in order, under a broker lock. */
  consumeMode?: 'concurrently' | 'orderly';
  messageModel?: 'CLUSTERING' | 'BROADCASTING';
  /** Deliveries before the DLQ (16 concurrent, -1 = forever orderly). */
  maxReconsumeTimes?: number;
  /** Handler calls in flight for the group. */
  concurrency?: number;
  consumeFromWhere?: 'CONSUME_FROM_LAST_OFFSET' | 'CONSUME_FROM_FIRST_OFFSET' | 'CONSUME_FROM_TIMESTAMP';
}

/** Applies `@EventPattern` once the topic is known, with whatever tag is known so far (`*` by default). */
function bind(target: object, key: string | symbol, descriptor: PropertyDescriptor): void {
  const method = descriptor.value as object;
  const topic = Reflect.getMetadata(TOPIC_METADATA, method) as string | undefined;
  if (topic === undefined) return;
  const tag = (Reflect.getMetadata(TAG_METADATA, method) as string | undefined) ?? '*';
  const extras = (Reflect.getMetadata(HANDLER_OPTIONS_METADATA, method) as RocketMQHandlerOptions | undefined) ?? {};
  EventPattern({ topic, tag }, ROCKETMQ_TRANSPORT, { ...extras })(target, key, descriptor);
}

export function Topic(topic: string, options: RocketMQHandlerOptions = {}): MethodDecorator {
  return (target, key, descriptor) => {
    Reflect.defineMetadata(TOPIC_METADATA, topic, descriptor.value as object);
    Reflect.defineMetadata(HANDLER_OPTIONS_METADATA, options, descriptor.value as object);
    bind(target, key, descriptor);
    return descriptor;
  };
}

export function Tag(tagExpression: string): MethodDecorator {
  return (target, key, descriptor) => {
    Reflect.defineMetadata(TAG_METADATA, tagExpression, descriptor.value as object);
    bind(target, key, descriptor);
    return descriptor;
  };
}
