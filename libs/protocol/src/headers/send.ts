/**
 * Send family headers (remoting-protocol.md 2.1): SEND_MESSAGE (10) and SEND_REPLY_MESSAGE (324) carry
 * V1 keys; SEND_MESSAGE_V2 (310), SEND_BATCH_MESSAGE (320) and SEND_REPLY_MESSAGE_V2 (325) carry the same
 * fields under one-letter V2 keys `a`..`n`. The broker converts V2 to V1; so do we.
 * Also SendMessageResponseHeader (all send codes) and ReplyMessageRequestHeader for
 * PUSH_REPLY_MESSAGE_TO_CLIENT (326).
 */
import type { ExtFields } from '../command/remoting-command.js';
import { RequestCode } from '../codes/request-code.js';
import { defineHeader, HeaderCodec, RPC_COMMON_SCHEMA, RpcCommonHeader } from './header-codec.js';

export interface SendMessageRequestHeader extends RpcCommonHeader {
  producerGroup: string;
  topic: string;
  /** Template topic for auto-creation, `TBW102`. */
  defaultTopic: string;
  defaultTopicQueueNums: number;
  /** Negative: the broker picks a writable queue. */
  queueId: number;
  /** Client-side message sysFlag bits (4.3). */
  sysFlag: number;
  bornTimestamp: number;
  flag: number;
  /** Serialized message properties (5.1). */
  properties?: string;
  reconsumeTimes?: number;
  unitMode?: boolean;
  maxReconsumeTimes?: number;
  /** The body is a batch (7) only when this is true, whatever the code. */
  batch?: boolean;
}

export const SEND_MESSAGE_REQUEST_HEADER: HeaderCodec<SendMessageRequestHeader> =
  defineHeader<SendMessageRequestHeader>(
    {
      producerGroup: 'string',
      topic: 'string',
      defaultTopic: 'string',
      defaultTopicQueueNums: 'int',
      queueId: 'int',
      sysFlag: 'int',
      bornTimestamp: 'long',
      flag: 'int',
      properties: 'string',
      reconsumeTimes: 'int',
      unitMode: 'bool',
      maxReconsumeTimes: 'int',
      batch: 'bool',
      ...RPC_COMMON_SCHEMA,
    },
    {
      required: [
        'producerGroup',
        'topic',
        'defaultTopic',
        'defaultTopicQueueNums',
        'queueId',
        'sysFlag',
        'bornTimestamp',
        'flag',
      ],
      // Java 4.x declares these as initialised fields, so they are always on the wire.
      primitives: { unitMode: false, batch: false },
    },
  );

/** SEND_MESSAGE_V2 keys; `n` is the V1 `bname`. */
export interface SendMessageRequestHeaderV2 extends Omit<RpcCommonHeader, 'bname'> {
  a: string;
  b: string;
  c: string;
  d: number;
  e: number;
  f: number;
  g: number;
  h: number;
  i?: string;
  j?: number;
  k?: boolean;
  l?: number;
  m?: boolean;
  n?: string;
}

export const SEND_MESSAGE_REQUEST_HEADER_V2: HeaderCodec<SendMessageRequestHeaderV2> =
  defineHeader<SendMessageRequestHeaderV2>(
    {
      a: 'string',
      b: 'string',
      c: 'string',
      d: 'int',
      e: 'int',
      f: 'int',
      g: 'long',
      h: 'int',
      i: 'string',
      j: 'int',
      k: 'bool',
      l: 'int',
      m: 'bool',
      n: 'string',
      ns: 'string',
      nsd: 'bool',
      oway: 'bool',
      lo: 'bool',
    },
    { required: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], primitives: { k: false, m: false } },
  );

/** V1 field -> V2 key (2.1.1). */
export const SEND_HEADER_V1_TO_V2 = Object.freeze({
  producerGroup: 'a',
  topic: 'b',
  defaultTopic: 'c',
  defaultTopicQueueNums: 'd',
  queueId: 'e',
  sysFlag: 'f',
  bornTimestamp: 'g',
  flag: 'h',
  properties: 'i',
  reconsumeTimes: 'j',
  unitMode: 'k',
  maxReconsumeTimes: 'l',
  batch: 'm',
  bname: 'n',
} as const);

type V1Key = keyof typeof SEND_HEADER_V1_TO_V2;
const V1_KEYS = Object.keys(SEND_HEADER_V1_TO_V2) as V1Key[];
const COMMON_V2_KEYS = ['ns', 'nsd', 'oway', 'lo'] as const;

export function sendHeaderV1ToV2(header: SendMessageRequestHeader): SendMessageRequestHeaderV2;
export function sendHeaderV1ToV2(header: Partial<SendMessageRequestHeader>): Partial<SendMessageRequestHeaderV2>;
export function sendHeaderV1ToV2(header: Partial<SendMessageRequestHeader>): Partial<SendMessageRequestHeaderV2> {
  const out: Record<string, unknown> = {};
  for (const key of V1_KEYS) if (header[key] !== undefined) out[SEND_HEADER_V1_TO_V2[key]] = header[key];
  for (const key of COMMON_V2_KEYS) if (header[key] !== undefined) out[key] = header[key];
  return out as Partial<SendMessageRequestHeaderV2>;
}

export function sendHeaderV2ToV1(header: SendMessageRequestHeaderV2): SendMessageRequestHeader;
export function sendHeaderV2ToV1(header: Partial<SendMessageRequestHeaderV2>): Partial<SendMessageRequestHeader>;
export function sendHeaderV2ToV1(header: Partial<SendMessageRequestHeaderV2>): Partial<SendMessageRequestHeader> {
  const out: Record<string, unknown> = {};
  for (const key of V1_KEYS) {
    const value = header[SEND_HEADER_V1_TO_V2[key]];
    if (value !== undefined) out[key] = value;
  }
  for (const key of COMMON_V2_KEYS) if (header[key] !== undefined) out[key] = header[key];
  return out as Partial<SendMessageRequestHeader>;
}

export function encodeSendMessageRequestHeader(header: SendMessageRequestHeader): ExtFields {
  return SEND_MESSAGE_REQUEST_HEADER.encode(header);
}

export function decodeSendMessageRequestHeader(ext: ExtFields | null): Partial<SendMessageRequestHeader> {
  return SEND_MESSAGE_REQUEST_HEADER.decode(ext);
}

/** Encodes V1 fields under V2 keys (what Java producers send with 310/320/325). */
export function encodeSendMessageRequestHeaderV2(header: SendMessageRequestHeader): ExtFields {
  return SEND_MESSAGE_REQUEST_HEADER_V2.encode(sendHeaderV1ToV2(header));
}

/** Decodes V2 keys into V1 field names. */
export function decodeSendMessageRequestHeaderV2(ext: ExtFields | null): Partial<SendMessageRequestHeader> {
  return sendHeaderV2ToV1(SEND_MESSAGE_REQUEST_HEADER_V2.decode(ext));
}

/** True for the codes whose header uses V2 keys (310, 320, 325). */
export function usesSendHeaderV2(code: number): boolean {
  return (
    code === RequestCode.SEND_MESSAGE_V2 ||
    code === RequestCode.SEND_BATCH_MESSAGE ||
    code === RequestCode.SEND_REPLY_MESSAGE_V2
  );
}

/**
 * The broker's view of any send request: V2 keys on 310/320/325, V1 keys on 10/324 (as Java). When the
 * expected key set carries neither a topic nor a group but the other set does, the other set is used:
 * a mislabelled request then still gets a precise answer instead of "topic is null".
 */
export function decodeSendRequestHeaderForCode(code: number, ext: ExtFields | null): Partial<SendMessageRequestHeader> {
  const v2 = usesSendHeaderV2(code);
  const hasV2 = ext !== null && (ext['b'] !== undefined || ext['a'] !== undefined);
  const hasV1 = ext !== null && (ext['topic'] !== undefined || ext['producerGroup'] !== undefined);
  const useV2 = v2 ? hasV2 || !hasV1 : !hasV1 && hasV2;
  return useV2 ? decodeSendMessageRequestHeaderV2(ext) : decodeSendMessageRequestHeader(ext);
}

/** Extra ext field keys the Java broker adds to every send response (2.1.2). */
export const MSG_REGION = 'MSG_REGION';
export const TRACE_ON = 'TRACE_ON';

export interface SendMessageResponseHeader {
  /** Offset message id(s) (6.1); comma-joined for a batch. */
  msgId: string;
  queueId: number;
  /** Logical offset (first message of a batch). */
  queueOffset: number;
  /** UNIQ_KEY of the message. */
  transactionId?: string;
  /** [5.x] inner-batch topics only. */
  batchUniqId?: string;
  /** [5.3] timer/delay messages only. */
  recallHandle?: string;
  MSG_REGION?: string;
  TRACE_ON?: boolean;
}

export const SEND_MESSAGE_RESPONSE_HEADER: HeaderCodec<SendMessageResponseHeader> =
  defineHeader<SendMessageResponseHeader>(
    {
      msgId: 'string',
      queueId: 'int',
      queueOffset: 'long',
      transactionId: 'string',
      batchUniqId: 'string',
      recallHandle: 'string',
      MSG_REGION: 'string',
      TRACE_ON: 'bool',
    },
    { required: ['msgId', 'queueId', 'queueOffset'] },
  );

export function encodeSendMessageResponseHeader(header: SendMessageResponseHeader): ExtFields {
  return SEND_MESSAGE_RESPONSE_HEADER.encode(header);
}

export function decodeSendMessageResponseHeader(ext: ExtFields | null): Partial<SendMessageResponseHeader> {
  return SEND_MESSAGE_RESPONSE_HEADER.decode(ext);
}

/** PUSH_REPLY_MESSAGE_TO_CLIENT (326), broker -> requester (2.1.3). */
export interface ReplyMessageRequestHeader {
  producerGroup: string;
  topic: string;
  defaultTopic: string;
  defaultTopicQueueNums: number;
  queueId: number;
  sysFlag: number;
  bornTimestamp: number;
  flag: number;
  properties?: string;
  reconsumeTimes?: number;
  unitMode?: boolean;
  /** `ip:port` of the replying client as the broker sees it. */
  bornHost: string;
  /** `ip:port` of the broker store. */
  storeHost: string;
  storeTimestamp: number;
}

export const REPLY_MESSAGE_REQUEST_HEADER: HeaderCodec<ReplyMessageRequestHeader> =
  defineHeader<ReplyMessageRequestHeader>(
    {
      producerGroup: 'string',
      topic: 'string',
      defaultTopic: 'string',
      defaultTopicQueueNums: 'int',
      queueId: 'int',
      sysFlag: 'int',
      bornTimestamp: 'long',
      flag: 'int',
      properties: 'string',
      reconsumeTimes: 'int',
      unitMode: 'bool',
      bornHost: 'string',
      storeHost: 'string',
      storeTimestamp: 'long',
    },
    {
      required: [
        'producerGroup',
        'topic',
        'defaultTopic',
        'defaultTopicQueueNums',
        'queueId',
        'sysFlag',
        'bornTimestamp',
        'flag',
        'bornHost',
        'storeHost',
        'storeTimestamp',
      ],
      primitives: { unitMode: false },
    },
  );

export function encodeReplyMessageRequestHeader(header: ReplyMessageRequestHeader): ExtFields {
  return REPLY_MESSAGE_REQUEST_HEADER.encode(header);
}

export function decodeReplyMessageRequestHeader(ext: ExtFields | null): Partial<ReplyMessageRequestHeader> {
  return REPLY_MESSAGE_REQUEST_HEADER.decode(ext);
}
