/**
 * MessageQueue JSON `{"brokerName":"broker-a","queueId":0,"topic":"T"}` (remoting-protocol.md 2.7) and
 * maps keyed by it (TopicStatsTable, ConsumeStats, ResetOffsetBody, ConsumerRunningInfo.mqTable). Such
 * maps are ordered entry lists here: JS Maps cannot key by value. On the wire the key is an object
 * (legacy) or a string holding the object's JSON (standard); both decode the same way.
 */
import { ProtocolError } from '../errors.js';
import { encodeJsonBody, JsonMapKey, JsonMode, JsonWritable, JsonWritableBean } from './fastjson-writer.js';
import { asInt, asObject, asString, parseJsonBody } from './json-read.js';
import { isJsonObject, JsonValue, parseJsonKey } from './tolerant-json.js';

export interface MessageQueue {
  topic: string;
  brokerName: string;
  queueId: number;
}

/** `Map<MessageQueue, V>` as entries in wire order. */
export type MessageQueueEntries<V> = Array<[MessageQueue, V]>;

export function messageQueueToJson(mq: MessageQueue): JsonWritableBean {
  return { brokerName: mq.brokerName, queueId: mq.queueId, topic: mq.topic };
}

export function messageQueueFromJson(value: JsonValue | undefined): MessageQueue {
  const object = asObject(value);
  return {
    topic: asString(object['topic']),
    brokerName: asString(object['brokerName']),
    queueId: asInt(object['queueId']),
  };
}

export function encodeMessageQueue(mq: MessageQueue, mode: JsonMode = 'standard'): Buffer {
  return encodeJsonBody(messageQueueToJson(mq), mode);
}

export function decodeMessageQueue(body: Buffer | string): MessageQueue {
  return messageQueueFromJson(parseJsonBody(body, 'MessageQueue'));
}

/** A stable string identity for a queue, for use as a JS Map key. */
export function messageQueueKey(mq: MessageQueue): string {
  return `${mq.topic}@${mq.brokerName}@${mq.queueId}`;
}

/** Java `MessageQueue.compareTo`: topic, then brokerName, then queueId. */
export function compareMessageQueues(a: MessageQueue, b: MessageQueue): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  if (a.brokerName !== b.brokerName) return a.brokerName < b.brokerName ? -1 : 1;
  return a.queueId - b.queueId;
}

export function messageQueueMapToJson<V>(
  entries: MessageQueueEntries<V>,
  toJson: (value: V) => JsonWritable,
): Map<JsonMapKey, JsonWritable> {
  const map = new Map<JsonMapKey, JsonWritable>();
  for (const [mq, value] of entries) map.set(messageQueueToJson(mq), toJson(value));
  return map;
}

export function messageQueueMapFromJson<V>(
  value: JsonValue | undefined,
  fromJson: (item: JsonValue) => V,
): MessageQueueEntries<V> {
  const entries: MessageQueueEntries<V> = [];
  for (const [key, item] of Object.entries(asObject(value))) {
    let parsed: JsonValue;
    try {
      parsed = parseJsonKey(key);
    } catch (cause) {
      throw new ProtocolError(`map key is not a MessageQueue: ${key.slice(0, 200)}`, { cause });
    }
    if (!isJsonObject(parsed)) throw new ProtocolError(`map key is not a MessageQueue: ${key.slice(0, 200)}`);
    entries.push([messageQueueFromJson(parsed), fromJson(item)]);
  }
  return entries;
}

/** For round-trip comparisons and stable output: entries sorted like Java's TreeMap. */
export function sortMessageQueueEntries<V>(entries: MessageQueueEntries<V>): MessageQueueEntries<V> {
  return [...entries].sort((a, b) => compareMessageQueues(a[0], b[0]));
}
