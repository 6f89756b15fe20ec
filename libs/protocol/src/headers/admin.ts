/**
 * Broker admin headers (remoting-protocol.md 2.9 and 2.11 "tools/admin"). Requests without a header:
 * GET_ALL_TOPIC_CONFIG (21, body TopicConfigSerializeWrapper), GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201,
 * body SubscriptionGroupWrapper), GET_BROKER_RUNTIME_INFO (28, body KVTable),
 * UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200, body SubscriptionGroupConfig); see body/.
 */
import type { ExtFields } from '../command/remoting-command.js';
import { defineHeader, HeaderCodec } from './header-codec.js';

/** UPDATE_AND_CREATE_TOPIC (17). */
export interface CreateTopicRequestHeader {
  topic: string;
  /** Tools send `TBW102`. */
  defaultTopic: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  /** `SINGLE_TAG` or `MULTI_TAG`. */
  topicFilterType: string;
  topicSysFlag?: number;
  /** Initialised Java field: always sent. */
  order?: boolean;
  /** [5.x] `+key=value,+key2=value2,-key3`. */
  attributes?: string;
  /** [5.x] */
  force?: boolean;
}

export const CREATE_TOPIC_REQUEST_HEADER: HeaderCodec<CreateTopicRequestHeader> =
  defineHeader<CreateTopicRequestHeader>(
    {
      topic: 'string',
      defaultTopic: 'string',
      readQueueNums: 'int',
      writeQueueNums: 'int',
      perm: 'int',
      topicFilterType: 'string',
      topicSysFlag: 'int',
      order: 'bool',
      attributes: 'string',
      force: 'bool',
    },
    {
      required: ['topic', 'defaultTopic', 'readQueueNums', 'writeQueueNums', 'perm', 'topicFilterType'],
      primitives: { order: false },
    },
  );

export function encodeCreateTopicRequestHeader(header: CreateTopicRequestHeader): ExtFields {
  return CREATE_TOPIC_REQUEST_HEADER.encode(header);
}

export function decodeCreateTopicRequestHeader(ext: ExtFields | null): Partial<CreateTopicRequestHeader> {
  return CREATE_TOPIC_REQUEST_HEADER.decode(ext);
}

/**
 * A header with only `topic`: DELETE_TOPIC_IN_BROKER (215), GET_TOPIC_STATS_INFO (202),
 * QUERY_TOPIC_CONSUME_BY_WHO (300), GET_TOPIC_CONFIG (351, [5.x]).
 */
export interface TopicOnlyRequestHeader {
  topic: string;
}

export const TOPIC_ONLY_REQUEST_HEADER: HeaderCodec<TopicOnlyRequestHeader> = defineHeader<TopicOnlyRequestHeader>(
  { topic: 'string' },
  { required: ['topic'] },
);

export type DeleteTopicRequestHeader = TopicOnlyRequestHeader;
export type GetTopicStatsInfoRequestHeader = TopicOnlyRequestHeader;
export type QueryTopicConsumeByWhoRequestHeader = TopicOnlyRequestHeader;
export type GetTopicConfigRequestHeader = TopicOnlyRequestHeader;

export function encodeDeleteTopicRequestHeader(header: DeleteTopicRequestHeader): ExtFields {
  return TOPIC_ONLY_REQUEST_HEADER.encode(header);
}

export function decodeDeleteTopicRequestHeader(ext: ExtFields | null): Partial<DeleteTopicRequestHeader> {
  return TOPIC_ONLY_REQUEST_HEADER.decode(ext);
}

export function encodeGetTopicStatsInfoRequestHeader(header: GetTopicStatsInfoRequestHeader): ExtFields {
  return TOPIC_ONLY_REQUEST_HEADER.encode(header);
}

export function decodeGetTopicStatsInfoRequestHeader(ext: ExtFields | null): Partial<GetTopicStatsInfoRequestHeader> {
  return TOPIC_ONLY_REQUEST_HEADER.decode(ext);
}

export function encodeQueryTopicConsumeByWhoRequestHeader(header: QueryTopicConsumeByWhoRequestHeader): ExtFields {
  return TOPIC_ONLY_REQUEST_HEADER.encode(header);
}

export function decodeQueryTopicConsumeByWhoRequestHeader(
  ext: ExtFields | null,
): Partial<QueryTopicConsumeByWhoRequestHeader> {
  return TOPIC_ONLY_REQUEST_HEADER.decode(ext);
}

export function encodeGetTopicConfigRequestHeader(header: GetTopicConfigRequestHeader): ExtFields {
  return TOPIC_ONLY_REQUEST_HEADER.encode(header);
}

export function decodeGetTopicConfigRequestHeader(ext: ExtFields | null): Partial<GetTopicConfigRequestHeader> {
  return TOPIC_ONLY_REQUEST_HEADER.decode(ext);
}

/** DELETE_SUBSCRIPTIONGROUP (207). */
export interface DeleteSubscriptionGroupRequestHeader {
  groupName: string;
  /** [5.x] primitive: always sent, default false. */
  cleanOffset?: boolean;
}

export const DELETE_SUBSCRIPTION_GROUP_REQUEST_HEADER: HeaderCodec<DeleteSubscriptionGroupRequestHeader> =
  defineHeader<DeleteSubscriptionGroupRequestHeader>(
    { groupName: 'string', cleanOffset: 'bool' },
    { required: ['groupName'], primitives: { cleanOffset: false } },
  );

export function encodeDeleteSubscriptionGroupRequestHeader(header: DeleteSubscriptionGroupRequestHeader): ExtFields {
  return DELETE_SUBSCRIPTION_GROUP_REQUEST_HEADER.encode(header);
}

export function decodeDeleteSubscriptionGroupRequestHeader(
  ext: ExtFields | null,
): Partial<DeleteSubscriptionGroupRequestHeader> {
  return DELETE_SUBSCRIPTION_GROUP_REQUEST_HEADER.decode(ext);
}

/** GET_SUBSCRIPTIONGROUP_CONFIG (352, [5.x]). */
export interface GetSubscriptionGroupConfigRequestHeader {
  group: string;
}

export const GET_SUBSCRIPTION_GROUP_CONFIG_REQUEST_HEADER: HeaderCodec<GetSubscriptionGroupConfigRequestHeader> =
  defineHeader<GetSubscriptionGroupConfigRequestHeader>({ group: 'string' }, { required: ['group'] });

export function encodeGetSubscriptionGroupConfigRequestHeader(
  header: GetSubscriptionGroupConfigRequestHeader,
): ExtFields {
  return GET_SUBSCRIPTION_GROUP_CONFIG_REQUEST_HEADER.encode(header);
}

export function decodeGetSubscriptionGroupConfigRequestHeader(
  ext: ExtFields | null,
): Partial<GetSubscriptionGroupConfigRequestHeader> {
  return GET_SUBSCRIPTION_GROUP_CONFIG_REQUEST_HEADER.decode(ext);
}

/** GET_CONSUME_STATS (208). */
export interface GetConsumeStatsRequestHeader {
  consumerGroup: string;
  topic?: string;
  /** [5.x] `;`-separated topics. */
  topicList?: string;
}

export const GET_CONSUME_STATS_REQUEST_HEADER: HeaderCodec<GetConsumeStatsRequestHeader> =
  defineHeader<GetConsumeStatsRequestHeader>(
    { consumerGroup: 'string', topic: 'string', topicList: 'string' },
    { required: ['consumerGroup'] },
  );

export function encodeGetConsumeStatsRequestHeader(header: GetConsumeStatsRequestHeader): ExtFields {
  return GET_CONSUME_STATS_REQUEST_HEADER.encode(header);
}

export function decodeGetConsumeStatsRequestHeader(ext: ExtFields | null): Partial<GetConsumeStatsRequestHeader> {
  return GET_CONSUME_STATS_REQUEST_HEADER.decode(ext);
}

/** GET_CONSUMER_CONNECTION_LIST (203). */
export interface GetConsumerConnectionListRequestHeader {
  consumerGroup: string;
}

export const GET_CONSUMER_CONNECTION_LIST_REQUEST_HEADER: HeaderCodec<GetConsumerConnectionListRequestHeader> =
  defineHeader<GetConsumerConnectionListRequestHeader>({ consumerGroup: 'string' }, { required: ['consumerGroup'] });

export function encodeGetConsumerConnectionListRequestHeader(
  header: GetConsumerConnectionListRequestHeader,
): ExtFields {
  return GET_CONSUMER_CONNECTION_LIST_REQUEST_HEADER.encode(header);
}

export function decodeGetConsumerConnectionListRequestHeader(
  ext: ExtFields | null,
): Partial<GetConsumerConnectionListRequestHeader> {
  return GET_CONSUMER_CONNECTION_LIST_REQUEST_HEADER.decode(ext);
}

/** GET_PRODUCER_CONNECTION_LIST (204). */
export interface GetProducerConnectionListRequestHeader {
  producerGroup: string;
}

export const GET_PRODUCER_CONNECTION_LIST_REQUEST_HEADER: HeaderCodec<GetProducerConnectionListRequestHeader> =
  defineHeader<GetProducerConnectionListRequestHeader>({ producerGroup: 'string' }, { required: ['producerGroup'] });

export function encodeGetProducerConnectionListRequestHeader(
  header: GetProducerConnectionListRequestHeader,
): ExtFields {
  return GET_PRODUCER_CONNECTION_LIST_REQUEST_HEADER.encode(header);
}

export function decodeGetProducerConnectionListRequestHeader(
  ext: ExtFields | null,
): Partial<GetProducerConnectionListRequestHeader> {
  return GET_PRODUCER_CONNECTION_LIST_REQUEST_HEADER.decode(ext);
}

/** GET_CONSUMER_RUNNING_INFO (307): admin -> broker, forwarded unchanged to the client. */
export interface GetConsumerRunningInfoRequestHeader {
  consumerGroup: string;
  clientId: string;
  /** Java primitive: always sent, default false. */
  jstackEnable?: boolean;
}

export const GET_CONSUMER_RUNNING_INFO_REQUEST_HEADER: HeaderCodec<GetConsumerRunningInfoRequestHeader> =
  defineHeader<GetConsumerRunningInfoRequestHeader>(
    { consumerGroup: 'string', clientId: 'string', jstackEnable: 'bool' },
    { required: ['consumerGroup', 'clientId'], primitives: { jstackEnable: false } },
  );

export function encodeGetConsumerRunningInfoRequestHeader(header: GetConsumerRunningInfoRequestHeader): ExtFields {
  return GET_CONSUMER_RUNNING_INFO_REQUEST_HEADER.encode(header);
}

export function decodeGetConsumerRunningInfoRequestHeader(
  ext: ExtFields | null,
): Partial<GetConsumerRunningInfoRequestHeader> {
  return GET_CONSUMER_RUNNING_INFO_REQUEST_HEADER.decode(ext);
}

/** CONSUME_MESSAGE_DIRECTLY (309): admin -> broker -> client; body one stored message. */
export interface ConsumeMessageDirectlyResultRequestHeader {
  consumerGroup: string;
  clientId?: string;
  msgId?: string;
  brokerName?: string;
  topic?: string;
  topicSysFlag?: number;
  groupSysFlag?: number;
}

export const CONSUME_MESSAGE_DIRECTLY_REQUEST_HEADER: HeaderCodec<ConsumeMessageDirectlyResultRequestHeader> =
  defineHeader<ConsumeMessageDirectlyResultRequestHeader>(
    {
      consumerGroup: 'string',
      clientId: 'string',
      msgId: 'string',
      brokerName: 'string',
      topic: 'string',
      topicSysFlag: 'int',
      groupSysFlag: 'int',
    },
    { required: ['consumerGroup'] },
  );

export function encodeConsumeMessageDirectlyResultRequestHeader(
  header: ConsumeMessageDirectlyResultRequestHeader,
): ExtFields {
  return CONSUME_MESSAGE_DIRECTLY_REQUEST_HEADER.encode(header);
}

export function decodeConsumeMessageDirectlyResultRequestHeader(
  ext: ExtFields | null,
): Partial<ConsumeMessageDirectlyResultRequestHeader> {
  return CONSUME_MESSAGE_DIRECTLY_REQUEST_HEADER.decode(ext);
}

/**
 * INVOKE_BROKER_TO_RESET_OFFSET (222, admin -> broker) and RESET_CONSUMER_CLIENT_OFFSET (220, broker ->
 * client, oneway, body ResetOffsetBody).
 */
export interface ResetOffsetRequestHeader {
  topic: string;
  group: string;
  timestamp: number;
  /** Java primitive: always sent. */
  isForce?: boolean;
  /** [5.x] primitive, -1 = every queue. */
  queueId?: number;
  /** [5.x] explicit target offset. */
  offset?: number;
}

export const RESET_OFFSET_REQUEST_HEADER: HeaderCodec<ResetOffsetRequestHeader> =
  defineHeader<ResetOffsetRequestHeader>(
    { topic: 'string', group: 'string', timestamp: 'long', isForce: 'bool', queueId: 'int', offset: 'long' },
    { required: ['topic', 'group', 'timestamp'], primitives: { isForce: false, queueId: -1 } },
  );

export function encodeResetOffsetRequestHeader(header: ResetOffsetRequestHeader): ExtFields {
  return RESET_OFFSET_REQUEST_HEADER.encode(header);
}

export function decodeResetOffsetRequestHeader(ext: ExtFields | null): Partial<ResetOffsetRequestHeader> {
  return RESET_OFFSET_REQUEST_HEADER.decode(ext);
}

/** GET_CONSUMER_STATUS_FROM_CLIENT (221) and INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223). */
export interface GetConsumerStatusRequestHeader {
  topic: string;
  group: string;
  clientAddr?: string;
}

export const GET_CONSUMER_STATUS_REQUEST_HEADER: HeaderCodec<GetConsumerStatusRequestHeader> =
  defineHeader<GetConsumerStatusRequestHeader>(
    { topic: 'string', group: 'string', clientAddr: 'string' },
    { required: ['topic', 'group'] },
  );

export function encodeGetConsumerStatusRequestHeader(header: GetConsumerStatusRequestHeader): ExtFields {
  return GET_CONSUMER_STATUS_REQUEST_HEADER.encode(header);
}

export function decodeGetConsumerStatusRequestHeader(ext: ExtFields | null): Partial<GetConsumerStatusRequestHeader> {
  return GET_CONSUMER_STATUS_REQUEST_HEADER.decode(ext);
}

/** QUERY_CONSUME_TIME_SPAN (303). */
export interface QueryConsumeTimeSpanRequestHeader {
  topic: string;
  group: string;
}

export const QUERY_CONSUME_TIME_SPAN_REQUEST_HEADER: HeaderCodec<QueryConsumeTimeSpanRequestHeader> =
  defineHeader<QueryConsumeTimeSpanRequestHeader>(
    { topic: 'string', group: 'string' },
    { required: ['topic', 'group'] },
  );

export function encodeQueryConsumeTimeSpanRequestHeader(header: QueryConsumeTimeSpanRequestHeader): ExtFields {
  return QUERY_CONSUME_TIME_SPAN_REQUEST_HEADER.encode(header);
}

export function decodeQueryConsumeTimeSpanRequestHeader(
  ext: ExtFields | null,
): Partial<QueryConsumeTimeSpanRequestHeader> {
  return QUERY_CONSUME_TIME_SPAN_REQUEST_HEADER.decode(ext);
}
