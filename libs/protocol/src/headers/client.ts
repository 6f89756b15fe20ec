/**
 * Client management headers (remoting-protocol.md 2.4): HEART_BEAT (34) response ext fields,
 * UNREGISTER_CLIENT (35), GET_CONSUMER_LIST_BY_GROUP (38), NOTIFY_CONSUMER_IDS_CHANGED (40, broker ->
 * client, oneway). HEART_BEAT has no request header; its body is HeartbeatData (body/heartbeat.ts).
 */
import type { ExtFields } from '../command/remoting-command.js';
import { defineHeader, HeaderCodec } from './header-codec.js';

/** [5.x] HEART_BEAT response ext fields; 4.x brokers send none. */
export interface HeartbeatResponseHeader {
  IS_SUPPORT_HEART_BEAT_V2?: boolean;
  /** Classic heartbeat: always true; V2: whether this group's fingerprint changed. */
  IS_SUB_CHANGE?: boolean;
}

export const HEARTBEAT_RESPONSE_HEADER: HeaderCodec<HeartbeatResponseHeader> = defineHeader<HeartbeatResponseHeader>({
  IS_SUPPORT_HEART_BEAT_V2: 'bool',
  IS_SUB_CHANGE: 'bool',
});

export function encodeHeartbeatResponseHeader(header: HeartbeatResponseHeader): ExtFields {
  return HEARTBEAT_RESPONSE_HEADER.encode(header);
}

export function decodeHeartbeatResponseHeader(ext: ExtFields | null): Partial<HeartbeatResponseHeader> {
  return HEARTBEAT_RESPONSE_HEADER.decode(ext);
}

export interface UnregisterClientRequestHeader {
  clientID: string;
  producerGroup?: string;
  consumerGroup?: string;
}

export const UNREGISTER_CLIENT_REQUEST_HEADER: HeaderCodec<UnregisterClientRequestHeader> =
  defineHeader<UnregisterClientRequestHeader>(
    { clientID: 'string', producerGroup: 'string', consumerGroup: 'string' },
    { required: ['clientID'] },
  );

export function encodeUnregisterClientRequestHeader(header: UnregisterClientRequestHeader): ExtFields {
  return UNREGISTER_CLIENT_REQUEST_HEADER.encode(header);
}

export function decodeUnregisterClientRequestHeader(ext: ExtFields | null): Partial<UnregisterClientRequestHeader> {
  return UNREGISTER_CLIENT_REQUEST_HEADER.decode(ext);
}

/** GET_CONSUMER_LIST_BY_GROUP (38); NOTIFY_CONSUMER_IDS_CHANGED (40) has the same single field. */
export interface ConsumerGroupRequestHeader {
  consumerGroup: string;
}

export const CONSUMER_GROUP_REQUEST_HEADER: HeaderCodec<ConsumerGroupRequestHeader> =
  defineHeader<ConsumerGroupRequestHeader>({ consumerGroup: 'string' }, { required: ['consumerGroup'] });

export type GetConsumerListByGroupRequestHeader = ConsumerGroupRequestHeader;
export type NotifyConsumerIdsChangedRequestHeader = ConsumerGroupRequestHeader;

export function encodeGetConsumerListByGroupRequestHeader(header: GetConsumerListByGroupRequestHeader): ExtFields {
  return CONSUMER_GROUP_REQUEST_HEADER.encode(header);
}

export function decodeGetConsumerListByGroupRequestHeader(
  ext: ExtFields | null,
): Partial<GetConsumerListByGroupRequestHeader> {
  return CONSUMER_GROUP_REQUEST_HEADER.decode(ext);
}

export function encodeNotifyConsumerIdsChangedRequestHeader(header: NotifyConsumerIdsChangedRequestHeader): ExtFields {
  return CONSUMER_GROUP_REQUEST_HEADER.encode(header);
}

export function decodeNotifyConsumerIdsChangedRequestHeader(
  ext: ExtFields | null,
): Partial<NotifyConsumerIdsChangedRequestHeader> {
  return CONSUMER_GROUP_REQUEST_HEADER.decode(ext);
}
