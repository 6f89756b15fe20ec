/**
 * What dispatchers get per CommitLog record (Java DispatchRequest), read from the stored bytes, so the
 * normal path and crash recovery dispatch identically.
 */
import { MessageConst, type StoredRecordMessage, javaStringHashCode, readProperty } from '@rocketnest/protocol';

export interface DispatchRequest {
  topic: string;
  queueId: number;
  commitLogOffset: number;
  msgSize: number;
  tagsCode: number;
  storeTimestamp: number;
  consumeQueueOffset: number;
  keys: string | undefined;
  uniqKey: string | undefined;
  sysFlag: number;
  preparedTransactionOffset: number;
  /** Raw properties string; read more with `readProperty`. */
  properties: string;
}

/**
 * Computes the ConsumeQueue tagsCode of a record. Return undefined for the default (hash of TAGS). The broker
 * uses it for SCHEDULE_TOPIC_XXXX, whose tagsCode is the delivery time (5.2).
 */
export type TagsCodeResolver = (topic: string, properties: string, storeTimestamp: number) => number | undefined;

export function tagsCodeOf(properties: string): number {
  const tags = readProperty(properties, MessageConst.TAGS);
  return tags === undefined ? 0 : javaStringHashCode(tags);
}

export function toDispatchRequest(
  record: StoredRecordMessage,
  commitLogOffset: number,
  resolver: TagsCodeResolver | undefined,
): DispatchRequest {
  const properties = record.properties;
  const resolved = resolver?.(record.topic, properties, record.storeTimestamp);
  return {
    topic: record.topic,
    queueId: record.queueId,
    commitLogOffset,
    msgSize: record.size,
    tagsCode: resolved ?? tagsCodeOf(properties),
    storeTimestamp: record.storeTimestamp,
    consumeQueueOffset: record.queueOffset,
    keys: properties.length === 0 ? undefined : readProperty(properties, MessageConst.KEYS),
    uniqKey: properties.length === 0 ? undefined : readProperty(properties, MessageConst.UNIQ_KEY),
    sysFlag: record.sysFlag,
    preparedTransactionOffset: record.preparedTransactionOffset,
    properties,
  };
}
