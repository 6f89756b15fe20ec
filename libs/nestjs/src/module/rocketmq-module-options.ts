import type { IdempotencyStore } from '../idempotency/idempotency-store.js';
import type { ClientRocketMQOptions } from '../client/client-rocketmq-options.js';

/** `RocketMQModule.forRoot(options)`. */
export interface RocketMQModuleOptions extends ClientRocketMQOptions {
  /** Default consumer group for ServerRocketMQ instances built with `serverOptions()`. */
  consumerGroup?: string;
  /** Store used by `@Idempotent()` (default: an in-memory TTL store). */
  idempotencyStore?: IdempotencyStore;
}
