/**
 * Enums that travel by name in JSON bodies (remoting-protocol.md 2.4.1, 2.9). Arrays are in Java
 * declaration order, so an index is the Java ordinal (fastjson accepts ordinals).
 */
export const CONSUME_TYPES = ['CONSUME_ACTIVELY', 'CONSUME_PASSIVELY', 'CONSUME_POP'] as const;
export type ConsumeType = (typeof CONSUME_TYPES)[number];

export const MESSAGE_MODELS = ['BROADCASTING', 'CLUSTERING', 'LITE_SELECTIVE'] as const;
export type MessageModel = (typeof MESSAGE_MODELS)[number];

export const CONSUME_FROM_WHERES = [
  'CONSUME_FROM_LAST_OFFSET',
  'CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST',
  'CONSUME_FROM_MIN_OFFSET',
  'CONSUME_FROM_MAX_OFFSET',
  'CONSUME_FROM_FIRST_OFFSET',
  'CONSUME_FROM_TIMESTAMP',
] as const;
export type ConsumeFromWhere = (typeof CONSUME_FROM_WHERES)[number];

/** ConsumeMessageDirectlyResult.consumeResult. */
export const CM_RESULTS = [
  'CR_SUCCESS',
  'CR_LATER',
  'CR_ROLLBACK',
  'CR_COMMIT',
  'CR_THROW_EXCEPTION',
  'CR_RETURN_NULL',
] as const;
export type CMResult = (typeof CM_RESULTS)[number];

/** SubscriptionData.expressionType values. */
export const ExpressionType = { TAG: 'TAG', SQL92: 'SQL92' } as const;
