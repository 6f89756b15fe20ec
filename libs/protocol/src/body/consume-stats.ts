/**
 * ConsumeStats, the GET_CONSUME_STATS (208) body (remoting-protocol.md 2.9): per-MessageQueue broker,
 * consumer and pull offsets (MessageQueue object keys in legacy mode) and `consumeTps` (Java double).
 */
import { encodeJsonBody, jsonDouble, JsonMode } from './fastjson-writer.js';
import { asDouble, asLong, asObject, parseJsonBody } from './json-read.js';
import { MessageQueueEntries, messageQueueMapFromJson, messageQueueMapToJson } from './message-queue.js';
import { JsonValue } from './tolerant-json.js';

export interface OffsetWrapper {
  brokerOffset: number;
  consumerOffset: number;
  /** [5.x] */
  pullOffset: number;
  lastTimestamp: number;
}

export interface ConsumeStats {
  offsetTable: MessageQueueEntries<OffsetWrapper>;
  consumeTps: number;
}

function offsetWrapperFromJson(value: JsonValue): OffsetWrapper {
  const object = asObject(value);
  return {
    brokerOffset: asLong(object['brokerOffset']),
    consumerOffset: asLong(object['consumerOffset']),
    pullOffset: asLong(object['pullOffset']),
    lastTimestamp: asLong(object['lastTimestamp']),
  };
}

export function encodeConsumeStats(stats: ConsumeStats, mode: JsonMode = 'standard'): Buffer {
  return encodeJsonBody(
    {
      consumeTps: jsonDouble(stats.consumeTps),
      offsetTable: messageQueueMapToJson(stats.offsetTable, (offset) => ({
        brokerOffset: offset.brokerOffset,
        consumerOffset: offset.consumerOffset,
        lastTimestamp: offset.lastTimestamp,
        pullOffset: offset.pullOffset,
      })),
    },
    mode,
  );
}

export function decodeConsumeStats(body: Buffer | string): ConsumeStats {
  const object = parseJsonBody(body, 'ConsumeStats');
  return {
    offsetTable: messageQueueMapFromJson(object['offsetTable'], offsetWrapperFromJson),
    consumeTps: asDouble(object['consumeTps']),
  };
}
