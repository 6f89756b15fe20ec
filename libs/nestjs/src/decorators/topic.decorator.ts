/**
 * `@Topic('order')` and `@Tag('paid')` (in any order) bind a handler to RocketMQ messages of a topic and a
 * tag expression. They compose Nest's `@EventPattern({ topic, tag }, ROCKETMQ_TRANSPORT, extras)`, so every
 * Nest feature (pipes, guards, interceptors, filters, `@Payload`, `@Ctx`) works as on other transports.
 */
import { EventPattern } from '@nestjs/microservices';
import { ROCKETMQ_TRANSPORT, TAG_METADATA, TOPIC_METADATA } from '../constants.js';

/** Per-handler consumer settings (`extras`): a handler may live in its own consumer group. */
export interface RocketMQHandlerOptions {
  /** Consumer group of this handler (default: the server's). */
  group?: string;
  consumeMode?: 'concurrently' | 'orderly';
  messageModel?: 'CLUSTERING' | 'BROADCASTING';
  maxReconsumeTimes?: number;
  concurrency?: number;
  consumeFromWhere?: 'CONSUME_FROM_LAST_OFFSET' | 'CONSUME_FROM_FIRST_OFFSET' | 'CONSUME_FROM_TIMESTAMP';
}

const EXTRAS_METADATA = 'rocketnest:handler-extras';

function apply(descriptor: PropertyDescriptor, target: object, key: string | symbol): PropertyDescriptor {
  const method = descriptor.value as object;
  const topic = Reflect.getMetadata(TOPIC_METADATA, method) as string | undefined;
  if (topic === undefined) return descriptor;
  const tag = (Reflect.getMetadata(TAG_METADATA, method) as string | undefined) ?? '*';
  const extras = (Reflect.getMetadata(EXTRAS_METADATA, method) as RocketMQHandlerOptions | undefined) ?? {};
  return EventPattern({ topic, tag }, ROCKETMQ_TRANSPORT, { ...extras })(target, key, descriptor) ?? descriptor;
}

export function Topic(topic: string, options: RocketMQHandlerOptions = {}): MethodDecorator {
  return (target, key, descriptor) => {
    Reflect.defineMetadata(TOPIC_METADATA, topic, descriptor.value as object);
    Reflect.defineMetadata(EXTRAS_METADATA, options, descriptor.value as object);
    apply(descriptor, target, key);
    return descriptor;
  };
}

export function Tag(tagExpression: string): MethodDecorator {
  return (target, key, descriptor) => {
    Reflect.defineMetadata(TAG_METADATA, tagExpression, descriptor.value as object);
    apply(descriptor, target, key);
    return descriptor;
  };
}
