/**
 * Transaction headers (remoting-protocol.md 2.6): END_TRANSACTION (37, client -> broker, oneway) and
 * CHECK_TRANSACTION_STATE (39, broker -> producer, oneway, body = one stored message).
 */
import type { ExtFields } from '../command/remoting-command.js';
import { defineHeader, HeaderCodec, RPC_COMMON_SCHEMA, RpcCommonHeader } from './header-codec.js';

export interface EndTransactionRequestHeader extends RpcCommonHeader {
  /** [5.x] original topic. */
  topic?: string;
  producerGroup: string;
  /** Queue offset of the half message (SendResult.queueOffset). */
  tranStateTableOffset: number;
  /** Physical offset of the half message. */
  commitLogOffset: number;
  /** MessageSysFlag transaction value: 8 commit, 12 rollback, 0 unknown (the broker does nothing). */
  commitOrRollback: number;
  fromTransactionCheck?: boolean;
  /** UNIQ_KEY of the half message. */
  msgId: string;
  transactionId?: string;
}

export const END_TRANSACTION_REQUEST_HEADER: HeaderCodec<EndTransactionRequestHeader> =
  defineHeader<EndTransactionRequestHeader>(
    {
      topic: 'string',
      producerGroup: 'string',
      tranStateTableOffset: 'long',
      commitLogOffset: 'long',
      commitOrRollback: 'int',
      fromTransactionCheck: 'bool',
      msgId: 'string',
      transactionId: 'string',
      ...RPC_COMMON_SCHEMA,
    },
    { required: ['producerGroup', 'tranStateTableOffset', 'commitLogOffset', 'commitOrRollback', 'msgId'] },
  );

export function encodeEndTransactionRequestHeader(header: EndTransactionRequestHeader): ExtFields {
  return END_TRANSACTION_REQUEST_HEADER.encode(header);
}

export function decodeEndTransactionRequestHeader(ext: ExtFields | null): Partial<EndTransactionRequestHeader> {
  return END_TRANSACTION_REQUEST_HEADER.decode(ext);
}

export interface CheckTransactionStateRequestHeader {
  /** [5.x] half topic the message was read from. */
  topic?: string;
  tranStateTableOffset: number;
  commitLogOffset: number;
  /** UNIQ_KEY. */
  msgId?: string;
  transactionId?: string;
  offsetMsgId?: string;
  /** [5.x] */
  bname?: string;
}

export const CHECK_TRANSACTION_STATE_REQUEST_HEADER: HeaderCodec<CheckTransactionStateRequestHeader> =
  defineHeader<CheckTransactionStateRequestHeader>(
    {
      topic: 'string',
      tranStateTableOffset: 'long',
      commitLogOffset: 'long',
      msgId: 'string',
      transactionId: 'string',
      offsetMsgId: 'string',
      bname: 'string',
    },
    { required: ['tranStateTableOffset', 'commitLogOffset'] },
  );

export function encodeCheckTransactionStateRequestHeader(header: CheckTransactionStateRequestHeader): ExtFields {
  return CHECK_TRANSACTION_STATE_REQUEST_HEADER.encode(header);
}

export function decodeCheckTransactionStateRequestHeader(
  ext: ExtFields | null,
): Partial<CheckTransactionStateRequestHeader> {
  return CHECK_TRANSACTION_STATE_REQUEST_HEADER.decode(ext);
}
