import type { IdempotencyScope } from './idempotency-store.js';

/** The scope of the delivery an `@Idempotent` handler is running, keyed by its RocketMQContext. */
export const idempotencyScopes = new WeakMap<object, IdempotencyScope>();
