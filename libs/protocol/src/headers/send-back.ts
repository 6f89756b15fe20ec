/**
 * CONSUMER_SEND_MSG_BACK (36) header (remoting-protocol.md 2.5). Response: code only.
 */
import type { ExtFields } from '../command/remoting-command.js';
import { defineHeader, HeaderCodec, RPC_COMMON_SCHEMA, RpcCommonHeader } from './header-codec.js';

export interface ConsumerSendMsgBackRequestHeader extends RpcCommonHeader {
  /** Commit-log (physical) offset of the consumed message. */
  offset: number;
  group: string;
  /** 0: broker picks 3 + reconsumeTimes; > 0 explicit level; -1: straight to the DLQ. */
  delayLevel: number;
  /** UNIQ_KEY when present, else the offset message id. */
  originMsgId?: string;
  originTopic?: string;
  /** Java primitive: always sent, false. */
  unitMode?: boolean;
  maxReconsumeTimes?: number;
}

export const CONSUMER_SEND_MSG_BACK_REQUEST_HEADER: HeaderCodec<ConsumerSendMsgBackRequestHeader> =
  defineHeader<ConsumerSendMsgBackRequestHeader>(
    {
      offset: 'long',
      group: 'string',
      delayLevel: 'int',
      originMsgId: 'string',
      originTopic: 'string',
      unitMode: 'bool',
      maxReconsumeTimes: 'int',
      ...RPC_COMMON_SCHEMA,
    },
    { required: ['offset', 'group', 'delayLevel'], primitives: { unitMode: false } },
  );

export function encodeConsumerSendMsgBackRequestHeader(header: ConsumerSendMsgBackRequestHeader): ExtFields {
  return CONSUMER_SEND_MSG_BACK_REQUEST_HEADER.encode(header);
}

export function decodeConsumerSendMsgBackRequestHeader(
  ext: ExtFields | null,
): Partial<ConsumerSendMsgBackRequestHeader> {
  return CONSUMER_SEND_MSG_BACK_REQUEST_HEADER.decode(ext);
}
