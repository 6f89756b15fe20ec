/**
 * Topic and group names (remoting-protocol.md 9.2): validation, the system topics and groups, and the
 * `%RETRY%` / `%DLQ%` / `<cluster>_REPLY_TOPIC` naming rules.
 */
export const AUTO_CREATE_TOPIC_KEY_TOPIC = 'TBW102';
export const SCHEDULE_TOPIC = 'SCHEDULE_TOPIC_XXXX';
export const TRANS_HALF_TOPIC = 'RMQ_SYS_TRANS_HALF_TOPIC';
export const TRANS_OP_HALF_TOPIC = 'RMQ_SYS_TRANS_OP_HALF_TOPIC';
export const TRANS_CHECK_MAX_TIME_TOPIC = 'TRANS_CHECK_MAX_TIME_TOPIC';
export const SELF_TEST_TOPIC = 'SELF_TEST_TOPIC';
export const OFFSET_MOVED_EVENT_TOPIC = 'OFFSET_MOVED_EVENT';
export const BENCHMARK_TOPIC = 'BenchmarkTest';
export const TRACE_TOPIC = 'RMQ_SYS_TRACE_TOPIC';
export const TIMER_TOPIC = 'rmq_sys_wheel_timer';
export const CHECKPOINT_TOPIC = 'CHECKPOINT_TOPIC';
export const REVIVE_LOG_TOPIC_PREFIX = 'rmq_sys_REVIVE_LOG_';
export const SYNC_BROKER_MEMBER_TOPIC_PREFIX = 'rmq_sys_SYNC_BROKER_MEMBER_';
export const SYSTEM_TOPIC_PREFIX = 'rmq_sys_';
export const LMQ_TOPIC_PREFIX = '%LMQ%';
export const RETRY_GROUP_TOPIC_PREFIX = '%RETRY%';
export const DLQ_GROUP_TOPIC_PREFIX = '%DLQ%';
export const REPLY_TOPIC_SUFFIX = '_REPLY_TOPIC';
/** Separator of `namespace%name`. */
export const NAMESPACE_SEPARATOR = '%';

export const TOPIC_MAX_LENGTH = 127;
/** Retry and DLQ topics embed a group name, so they may be longer. */
export const RETRY_TOPIC_MAX_LENGTH = 255;
export const GROUP_MAX_LENGTH = 255;
const VALID_NAME = /^[%|a-zA-Z0-9_-]+$/;

export const SYSTEM_TOPICS: ReadonlySet<string> = new Set([
  AUTO_CREATE_TOPIC_KEY_TOPIC,
  SCHEDULE_TOPIC,
  TRANS_HALF_TOPIC,
  TRANS_OP_HALF_TOPIC,
  TRANS_CHECK_MAX_TIME_TOPIC,
  SELF_TEST_TOPIC,
  OFFSET_MOVED_EVENT_TOPIC,
  BENCHMARK_TOPIC,
  TRACE_TOPIC,
  TIMER_TOPIC,
  CHECKPOINT_TOPIC,
]);

/** Internal topics a producer may never send to (NO_PERMISSION). */
export const NOT_ALLOWED_SEND_TOPICS: ReadonlySet<string> = new Set([
  SCHEDULE_TOPIC,
  TRANS_HALF_TOPIC,
  TRANS_OP_HALF_TOPIC,
  TRANS_CHECK_MAX_TIME_TOPIC,
  TIMER_TOPIC,
  CHECKPOINT_TOPIC,
]);

export const DEFAULT_PRODUCER_GROUP = 'DEFAULT_PRODUCER';
export const DEFAULT_CONSUMER_GROUP = 'DEFAULT_CONSUMER';
export const CLIENT_INNER_PRODUCER_GROUP = 'CLIENT_INNER_PRODUCER';
export const TOOLS_CONSUMER_GROUP = 'TOOLS_CONSUMER';
export const SCHEDULE_CONSUMER_GROUP = 'SCHEDULE_CONSUMER';
export const FILTERSRV_CONSUMER_GROUP = 'FILTERSRV_CONSUMER';
export const MONITOR_CONSUMER_GROUP = '__MONITOR_CONSUMER';
export const SELF_TEST_PRODUCER_GROUP = 'SELF_TEST_P_GROUP';
export const SELF_TEST_CONSUMER_GROUP = 'SELF_TEST_C_GROUP';
export const TRANS_CHECK_GROUP = 'CID_RMQ_SYS_TRANS';
export const SYSTEM_GROUP_PREFIX = 'CID_RMQ_SYS_';

export const SYSTEM_GROUPS: ReadonlySet<string> = new Set([
  DEFAULT_PRODUCER_GROUP,
  DEFAULT_CONSUMER_GROUP,
  CLIENT_INNER_PRODUCER_GROUP,
  TOOLS_CONSUMER_GROUP,
  SCHEDULE_CONSUMER_GROUP,
  FILTERSRV_CONSUMER_GROUP,
  MONITOR_CONSUMER_GROUP,
  SELF_TEST_PRODUCER_GROUP,
  SELF_TEST_CONSUMER_GROUP,
  TRANS_CHECK_GROUP,
]);

export type NameCheck = { readonly valid: true } | { readonly valid: false; readonly reason: string };

const VALID: NameCheck = Object.freeze({ valid: true });

/** Topic rule of 9.2; the broker answers INVALID_PARAMETER (4.x: SYSTEM_ERROR) with `reason`. */
export function validateTopicName(topic: string): NameCheck {
  if (topic.trim() === '') return { valid: false, reason: 'The specified topic is blank.' };
  const max = isRetryTopic(topic) || isDlqTopic(topic) ? RETRY_TOPIC_MAX_LENGTH : TOPIC_MAX_LENGTH;
  if (topic.length > max) {
    return { valid: false, reason: `The specified topic is longer than topic max length ${max}.` };
  }
  if (!VALID_NAME.test(topic)) {
    return {
      valid: false,
      reason: `The specified topic[${topic}] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`,
    };
  }
  return VALID;
}

export function validateGroupName(group: string): NameCheck {
  if (group.trim() === '') return { valid: false, reason: 'the specified group is blank' };
  if (group.length > GROUP_MAX_LENGTH) {
    return { valid: false, reason: `the specified group is longer than group max length ${GROUP_MAX_LENGTH}.` };
  }
  if (!VALID_NAME.test(group)) {
    return {
      valid: false,
      reason: `the specified group[${group}] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`,
    };
  }
  return VALID;
}

export function isSystemTopic(topic: string): boolean {
  return SYSTEM_TOPICS.has(topic) || topic.startsWith(SYSTEM_TOPIC_PREFIX);
}

export function isNotAllowedSendTopic(topic: string): boolean {
  return NOT_ALLOWED_SEND_TOPICS.has(topic) || topic.startsWith(REVIVE_LOG_TOPIC_PREFIX);
}

export function isSystemGroup(group: string): boolean {
  return SYSTEM_GROUPS.has(group) || group.startsWith(SYSTEM_GROUP_PREFIX);
}

export function retryTopic(group: string): string {
  return RETRY_GROUP_TOPIC_PREFIX + group;
}

export function dlqTopic(group: string): string {
  return DLQ_GROUP_TOPIC_PREFIX + group;
}

export function isRetryTopic(topic: string): boolean {
  return topic.startsWith(RETRY_GROUP_TOPIC_PREFIX);
}

export function isDlqTopic(topic: string): boolean {
  return topic.startsWith(DLQ_GROUP_TOPIC_PREFIX);
}

/** The group behind `%RETRY%<group>` or `%DLQ%<group>`, else undefined. */
export function groupOfRetryOrDlqTopic(topic: string): string | undefined {
  if (isRetryTopic(topic)) return topic.slice(RETRY_GROUP_TOPIC_PREFIX.length);
  if (isDlqTopic(topic)) return topic.slice(DLQ_GROUP_TOPIC_PREFIX.length);
  return undefined;
}

/** Request/reply replies go to `<clusterName>_REPLY_TOPIC` (2.1.3). */
export function replyTopic(clusterName: string): string {
  return clusterName + REPLY_TOPIC_SUFFIX;
}

export function isReplyTopic(topic: string): boolean {
  return topic.endsWith(REPLY_TOPIC_SUFFIX);
}
