/**
 * What users send and receive. A sent Message is plain data; a received MessageExt is decoded from the
 * stored layout with the body decompressed and, for retries, the business topic restored (4.4).
 */
import {
  MessageConst,
  MessageExt as StoredMessage,
  MessageQueue,
  clearCompressed,
  decompressBody,
  groupOfRetryOrDlqTopic,
  isCompressed,
  isRetryTopic,
  splitKeys,
} from '@rocketnest/protocol';

export interface Message {
  topic: string;
  body: Buffer;
  /** One tag; consumers filter on it. */
  tags?: string;
  /** Business keys, indexed by the broker (query by key). */
  keys?: string | readonly string[];
  /** User properties (names must not be reserved ones). */
  properties?: Readonly<Record<string, string>>;
  /** Delay level 1..18 (1s 5s 10s 30s 1m ... 2h). */
  delayTimeLevel?: number;
  /** User flag, stored as is. */
  flag?: number;
  /** Wait for the broker's flush mode before the answer (default true). */
  waitStoreMsgOK?: boolean;
}

/** A message as consumers and lookups see it. */
export interface MessageExt {
  topic: string;
  body: Buffer;
  tags: string | undefined;
  keys: string[];
  /** All properties, system ones included. */
  properties: Readonly<Record<string, string>>;
  /** The client unique id (UNIQ_KEY), stable across retries; the offset id when absent. */
  msgId: string;
  offsetMsgId: string;
  queue: MessageQueue;
  queueOffset: number;
  commitLogOffset: number;
  reconsumeTimes: number;
  bornTimestamp: number;
  bornHost: string;
  storeTimestamp: number;
  storeHost: string;
  sysFlag: number;
  flag: number;
  preparedTransactionOffset: number;
  bodyCRC: number;
}

/** Builds the consumer view of a stored record pulled from `brokerName`. */
export function toMessageExt(stored: StoredMessage, brokerName: string): MessageExt {
  const properties = stored.properties;
  const compressed = isCompressed(stored.sysFlag);
  const body = compressed ? decompressBody(stored.body, stored.sysFlag) : stored.body;
  let topic = stored.topic;
  const retryTopic = properties[MessageConst.RETRY_TOPIC];
  if (retryTopic !== undefined && isRetryTopic(topic) && groupOfRetryOrDlqTopic(topic) !== undefined)
    topic = retryTopic;
  return {
    topic,
    body,
    tags: properties[MessageConst.TAGS],
    keys: splitKeys(properties[MessageConst.KEYS]),
    properties,
    msgId: properties[MessageConst.UNIQ_KEY] ?? stored.offsetMsgId,
    offsetMsgId: stored.offsetMsgId,
    queue: { topic: stored.topic, brokerName, queueId: stored.queueId },
    queueOffset: stored.queueOffset,
    commitLogOffset: stored.commitLogOffset,
    reconsumeTimes: stored.reconsumeTimes,
    bornTimestamp: stored.bornTimestamp,
    bornHost: stored.bornHost,
    storeTimestamp: stored.storeTimestamp,
    storeHost: stored.storeHost,
    // The body is inflated, so the flag no longer says compressed (4.4).
    sysFlag: compressed ? clearCompressed(stored.sysFlag) : stored.sysFlag,
    flag: stored.flag,
    preparedTransactionOffset: stored.preparedTransactionOffset,
    bodyCRC: stored.bodyCRC,
  };
}

export function keysOf(message: Message): string[] {
  if (message.keys === undefined) return [];
  return typeof message.keys === 'string' ? splitKeys(message.keys) : [...message.keys];
}
