/**
 * PULL_MESSAGE (11) and LITE_PULL_MESSAGE (361) headers (remoting-protocol.md 2.2). The sysFlag bits are
 * in codes/pull-sys-flag.ts. For response codes 0/19/20/21 all four of suggestWhichBrokerId,
 * nextBeginOffset, minOffset, maxOffset must be present or a Java client crashes.
 */
import type { ExtFields } from '../command/remoting-command.js';
import { defineHeader, HeaderCodec, RPC_COMMON_SCHEMA, RpcCommonHeader } from './header-codec.js';

export interface PullMessageRequestHeader extends RpcCommonHeader {
  consumerGroup: string;
  topic: string;
  queueId: number;
  queueOffset: number;
  maxMsgNums: number;
  sysFlag: number;
  /** Only meaningful with PullSysFlag.COMMIT_OFFSET. */
  commitOffset: number;
  suspendTimeoutMillis: number;
  /** Only meaningful with PullSysFlag.SUBSCRIPTION. */
  subscription?: string;
  subVersion: number;
  /** `TAG` when absent, or `SQL92`. */
  expressionType?: string;
  /** [5.x] */
  maxMsgBytes?: number;
  /** [5.x] proxy use. */
  requestSource?: number;
  /** [5.x] proxy use; the key is misspelled upstream. */
  proxyFrowardClientId?: string;
}

export const PULL_MESSAGE_REQUEST_HEADER: HeaderCodec<PullMessageRequestHeader> =
  defineHeader<PullMessageRequestHeader>(
    {
      consumerGroup: 'string',
      topic: 'string',
      queueId: 'int',
      queueOffset: 'long',
      maxMsgNums: 'int',
      sysFlag: 'int',
      commitOffset: 'long',
      suspendTimeoutMillis: 'long',
      subscription: 'string',
      subVersion: 'long',
      expressionType: 'string',
      maxMsgBytes: 'int',
      requestSource: 'int',
      proxyFrowardClientId: 'string',
      ...RPC_COMMON_SCHEMA,
    },
    {
      required: [
        'consumerGroup',
        'topic',
        'queueId',
        'queueOffset',
        'maxMsgNums',
        'sysFlag',
        'commitOffset',
        'suspendTimeoutMillis',
        'subVersion',
      ],
    },
  );

export function encodePullMessageRequestHeader(header: PullMessageRequestHeader): ExtFields {
  return PULL_MESSAGE_REQUEST_HEADER.encode(header);
}

export function decodePullMessageRequestHeader(ext: ExtFields | null): Partial<PullMessageRequestHeader> {
  return PULL_MESSAGE_REQUEST_HEADER.decode(ext);
}

export interface PullMessageResponseHeader {
  /** Broker id to pull this queue from next time (0 = master). */
  suggestWhichBrokerId: number;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  /** [5.x] static topics only. */
  offsetDelta?: number;
  topicSysFlag?: number;
  groupSysFlag?: number;
  /** [5.x] with NO_PERMISSION: 1 broker, 2 group, 3 topic, 4 broadcasting disabled, 5 subscription. */
  forbiddenType?: number;
}

export const PULL_MESSAGE_RESPONSE_HEADER: HeaderCodec<PullMessageResponseHeader> =
  defineHeader<PullMessageResponseHeader>(
    {
      suggestWhichBrokerId: 'long',
      nextBeginOffset: 'long',
      minOffset: 'long',
      maxOffset: 'long',
      offsetDelta: 'long',
      topicSysFlag: 'int',
      groupSysFlag: 'int',
      forbiddenType: 'int',
    },
    { required: ['suggestWhichBrokerId', 'nextBeginOffset', 'minOffset', 'maxOffset'] },
  );

export function encodePullMessageResponseHeader(header: PullMessageResponseHeader): ExtFields {
  return PULL_MESSAGE_RESPONSE_HEADER.encode(header);
}

export function decodePullMessageResponseHeader(ext: ExtFields | null): Partial<PullMessageResponseHeader> {
  return PULL_MESSAGE_RESPONSE_HEADER.decode(ext);
}
