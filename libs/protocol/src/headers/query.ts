/**
 * Message lookup headers (remoting-protocol.md 2.8): VIEW_MESSAGE_BY_ID (33) and QUERY_MESSAGE (12) with
 * its response header. `_UNIQUE_KEY_QUERY` is an extra ext field outside Java's header class; it is a
 * field here so it travels with the header (ACL signing covers it, section 8.3).
 */
import type { ExtFields } from '../command/remoting-command.js';
import { defineHeader, HeaderCodec, RPC_COMMON_SCHEMA, RpcCommonHeader } from './header-codec.js';

export const UNIQUE_KEY_QUERY = '_UNIQUE_KEY_QUERY';

export interface ViewMessageRequestHeader extends RpcCommonHeader {
  /** Physical offset, from the offset message id. */
  offset: number;
  /** [5.x] */
  topic?: string;
}

export const VIEW_MESSAGE_REQUEST_HEADER: HeaderCodec<ViewMessageRequestHeader> =
  defineHeader<ViewMessageRequestHeader>(
    { offset: 'long', topic: 'string', ...RPC_COMMON_SCHEMA },
    { required: ['offset'] },
  );

export function encodeViewMessageRequestHeader(header: ViewMessageRequestHeader): ExtFields {
  return VIEW_MESSAGE_REQUEST_HEADER.encode(header);
}

export function decodeViewMessageRequestHeader(ext: ExtFields | null): Partial<ViewMessageRequestHeader> {
  return VIEW_MESSAGE_REQUEST_HEADER.decode(ext);
}

export interface QueryMessageRequestHeader extends RpcCommonHeader {
  topic: string;
  key: string;
  maxNum: number;
  beginTimestamp: number;
  /** Java admin sends Long.MAX_VALUE for unique-key lookups (decoded clamped to MAX_SAFE_INTEGER). */
  endTimestamp: number;
  /** `key` is a UNIQ_KEY: the broker raises maxNum to its defaultQueryMaxNum. */
  _UNIQUE_KEY_QUERY?: boolean;
}

export const QUERY_MESSAGE_REQUEST_HEADER: HeaderCodec<QueryMessageRequestHeader> =
  defineHeader<QueryMessageRequestHeader>(
    {
      topic: 'string',
      key: 'string',
      maxNum: 'int',
      beginTimestamp: 'long',
      endTimestamp: 'long',
      _UNIQUE_KEY_QUERY: 'bool',
      ...RPC_COMMON_SCHEMA,
    },
    { required: ['topic', 'key', 'maxNum', 'beginTimestamp', 'endTimestamp'] },
  );

export function encodeQueryMessageRequestHeader(header: QueryMessageRequestHeader): ExtFields {
  return QUERY_MESSAGE_REQUEST_HEADER.encode(header);
}

export function decodeQueryMessageRequestHeader(ext: ExtFields | null): Partial<QueryMessageRequestHeader> {
  return QUERY_MESSAGE_REQUEST_HEADER.decode(ext);
}

export interface QueryMessageResponseHeader {
  indexLastUpdateTimestamp: number;
  indexLastUpdatePhyoffset: number;
}

export const QUERY_MESSAGE_RESPONSE_HEADER: HeaderCodec<QueryMessageResponseHeader> =
  defineHeader<QueryMessageResponseHeader>(
    { indexLastUpdateTimestamp: 'long', indexLastUpdatePhyoffset: 'long' },
    { required: ['indexLastUpdateTimestamp', 'indexLastUpdatePhyoffset'] },
  );

export function encodeQueryMessageResponseHeader(header: QueryMessageResponseHeader): ExtFields {
  return QUERY_MESSAGE_RESPONSE_HEADER.encode(header);
}

export function decodeQueryMessageResponseHeader(ext: ExtFields | null): Partial<QueryMessageResponseHeader> {
  return QUERY_MESSAGE_RESPONSE_HEADER.decode(ext);
}
