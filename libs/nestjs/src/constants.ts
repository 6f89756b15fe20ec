/** The transport id handlers bind to with `@Topic` (or `@EventPattern(pattern, ROCKETMQ_TRANSPORT)`). */
export const ROCKETMQ_TRANSPORT: unique symbol = Symbol('ROCKETMQ');

/** Injection tokens. */
export const ROCKETMQ_MODULE_OPTIONS = Symbol('ROCKETMQ_MODULE_OPTIONS');
export const ROCKETMQ_IDEMPOTENCY_STORE = Symbol('ROCKETMQ_IDEMPOTENCY_STORE');

/** Reflect metadata keys of our decorators. */
export const TOPIC_METADATA = 'rocketnest:topic';
export const TAG_METADATA = 'rocketnest:tag';
export const HANDLER_OPTIONS_METADATA = 'rocketnest:handler-options';
export const TRANSACTIONAL_MESSAGE_METADATA = 'rocketnest:transactional-message';
export const TRANSACTION_CHECK_METADATA = 'rocketnest:transaction-check';
export const IDEMPOTENT_METADATA = 'rocketnest:idempotent';

/** Message property naming how the body is encoded. */
export const CONTENT_TYPE_PROPERTY = 'content-type';
/** Reply property carrying a handler's error to the requester (JSON). */
export const ERROR_PROPERTY = 'rn-error';
