/**
 * Offset requests (remoting-protocol.md 2.3): QUERY_CONSUMER_OFFSET (14), UPDATE_CONSUMER_OFFSET (15),
 * SEARCH_OFFSET_BY_TIMESTAMP (29), GET_MAX_OFFSET (30), GET_MIN_OFFSET (31),
 * GET_EARLIEST_MSG_STORETIME (32). Responses carry `offset` (or `timestamp`) only.
 */
import type { ExtFields } from '../command/remoting-command.js';
import { BoundaryType, defineHeader, HeaderCodec, RPC_COMMON_SCHEMA, RpcCommonHeader } from './header-codec.js';

export interface QueryConsumerOffsetRequestHeader extends RpcCommonHeader {
  consumerGroup: string;
  topic: string;
  queueId: number;
  /** [5.x] false: always answer QUERY_NOT_FOUND when nothing is committed. */
  setZeroIfNotFound?: boolean;
}

export const QUERY_CONSUMER_OFFSET_REQUEST_HEADER: HeaderCodec<QueryConsumerOffsetRequestHeader> =
  defineHeader<QueryConsumerOffsetRequestHeader>(
    { consumerGroup: 'string', topic: 'string', queueId: 'int', setZeroIfNotFound: 'bool', ...RPC_COMMON_SCHEMA },
    { required: ['consumerGroup', 'topic', 'queueId'] },
  );

export function encodeQueryConsumerOffsetRequestHeader(header: QueryConsumerOffsetRequestHeader): ExtFields {
  return QUERY_CONSUMER_OFFSET_REQUEST_HEADER.encode(header);
}

export function decodeQueryConsumerOffsetRequestHeader(
  ext: ExtFields | null,
): Partial<QueryConsumerOffsetRequestHeader> {
  return QUERY_CONSUMER_OFFSET_REQUEST_HEADER.decode(ext);
}

export interface UpdateConsumerOffsetRequestHeader extends RpcCommonHeader {
  consumerGroup: string;
  topic: string;
  queueId: number;
  commitOffset: number;
}

export const UPDATE_CONSUMER_OFFSET_REQUEST_HEADER: HeaderCodec<UpdateConsumerOffsetRequestHeader> =
  defineHeader<UpdateConsumerOffsetRequestHeader>(
    { consumerGroup: 'string', topic: 'string', queueId: 'int', commitOffset: 'long', ...RPC_COMMON_SCHEMA },
    { required: ['consumerGroup', 'topic', 'queueId', 'commitOffset'] },
  );

export function encodeUpdateConsumerOffsetRequestHeader(header: UpdateConsumerOffsetRequestHeader): ExtFields {
  return UPDATE_CONSUMER_OFFSET_REQUEST_HEADER.encode(header);
}

export function decodeUpdateConsumerOffsetRequestHeader(
  ext: ExtFields | null,
): Partial<UpdateConsumerOffsetRequestHeader> {
  return UPDATE_CONSUMER_OFFSET_REQUEST_HEADER.decode(ext);
}

export interface GetMaxOffsetRequestHeader extends RpcCommonHeader {
  topic: string;
  queueId: number;
  /** [5.x] primitive, default true: always sent. */
  committed?: boolean;
}

export const GET_MAX_OFFSET_REQUEST_HEADER: HeaderCodec<GetMaxOffsetRequestHeader> =
  defineHeader<GetMaxOffsetRequestHeader>(
    { topic: 'string', queueId: 'int', committed: 'bool', ...RPC_COMMON_SCHEMA },
    { required: ['topic', 'queueId'], primitives: { committed: true } },
  );

export function encodeGetMaxOffsetRequestHeader(header: GetMaxOffsetRequestHeader): ExtFields {
  return GET_MAX_OFFSET_REQUEST_HEADER.encode(header);
}

export function decodeGetMaxOffsetRequestHeader(ext: ExtFields | null): Partial<GetMaxOffsetRequestHeader> {
  return GET_MAX_OFFSET_REQUEST_HEADER.decode(ext);
}

/** GET_MIN_OFFSET (31) and GET_EARLIEST_MSG_STORETIME (32) share this shape. */
export interface QueueRequestHeader extends RpcCommonHeader {
  topic: string;
  queueId: number;
}

export const QUEUE_REQUEST_HEADER: HeaderCodec<QueueRequestHeader> = defineHeader<QueueRequestHeader>(
  { topic: 'string', queueId: 'int', ...RPC_COMMON_SCHEMA },
  { required: ['topic', 'queueId'] },
);

export type GetMinOffsetRequestHeader = QueueRequestHeader;
export type GetEarliestMsgStoretimeRequestHeader = QueueRequestHeader;

export function encodeGetMinOffsetRequestHeader(header: GetMinOffsetRequestHeader): ExtFields {
  return QUEUE_REQUEST_HEADER.encode(header);
}

export function decodeGetMinOffsetRequestHeader(ext: ExtFields | null): Partial<GetMinOffsetRequestHeader> {
  return QUEUE_REQUEST_HEADER.decode(ext);
}

export function encodeGetEarliestMsgStoretimeRequestHeader(header: GetEarliestMsgStoretimeRequestHeader): ExtFields {
  return QUEUE_REQUEST_HEADER.encode(header);
}

export function decodeGetEarliestMsgStoretimeRequestHeader(
  ext: ExtFields | null,
): Partial<GetEarliestMsgStoretimeRequestHeader> {
  return QUEUE_REQUEST_HEADER.decode(ext);
}

export interface SearchOffsetRequestHeader extends RpcCommonHeader {
  topic: string;
  queueId: number;
  timestamp: number;
  /** [5.x] LOWER (default when absent): first message at/after; UPPER: last. */
  boundaryType?: BoundaryType;
}

export const SEARCH_OFFSET_REQUEST_HEADER: HeaderCodec<SearchOffsetRequestHeader> =
  defineHeader<SearchOffsetRequestHeader>(
    { topic: 'string', queueId: 'int', timestamp: 'long', boundaryType: 'boundary', ...RPC_COMMON_SCHEMA },
    { required: ['topic', 'queueId', 'timestamp'] },
  );

export function encodeSearchOffsetRequestHeader(header: SearchOffsetRequestHeader): ExtFields {
  return SEARCH_OFFSET_REQUEST_HEADER.encode(header);
}

export function decodeSearchOffsetRequestHeader(ext: ExtFields | null): Partial<SearchOffsetRequestHeader> {
  return SEARCH_OFFSET_REQUEST_HEADER.decode(ext);
}

/** QueryConsumerOffset/GetMaxOffset/GetMinOffset/SearchOffset response header. */
export interface OffsetResponseHeader {
  offset: number;
}

export const OFFSET_RESPONSE_HEADER: HeaderCodec<OffsetResponseHeader> = defineHeader<OffsetResponseHeader>(
  { offset: 'long' },
  { required: ['offset'] },
);

export function encodeOffsetResponseHeader(header: OffsetResponseHeader): ExtFields {
  return OFFSET_RESPONSE_HEADER.encode(header);
}

export function decodeOffsetResponseHeader(ext: ExtFields | null): Partial<OffsetResponseHeader> {
  return OFFSET_RESPONSE_HEADER.decode(ext);
}

export interface GetEarliestMsgStoretimeResponseHeader {
  timestamp: number;
}

export const GET_EARLIEST_MSG_STORETIME_RESPONSE_HEADER: HeaderCodec<GetEarliestMsgStoretimeResponseHeader> =
  defineHeader<GetEarliestMsgStoretimeResponseHeader>({ timestamp: 'long' }, { required: ['timestamp'] });

export function encodeGetEarliestMsgStoretimeResponseHeader(header: GetEarliestMsgStoretimeResponseHeader): ExtFields {
  return GET_EARLIEST_MSG_STORETIME_RESPONSE_HEADER.encode(header);
}

export function decodeGetEarliestMsgStoretimeResponseHeader(
  ext: ExtFields | null,
): Partial<GetEarliestMsgStoretimeResponseHeader> {
  return GET_EARLIEST_MSG_STORETIME_RESPONSE_HEADER.decode(ext);
}
