/**
 * TopicStatsTable, the GET_TOPIC_STATS_INFO (202) body (remoting-protocol.md 2.9, Appendix C): offsets per
 * MessageQueue (object keys in legacy mode) and `topicPutTps` (a Java double, always with a fraction).
 */
import { encodeJsonBody, jsonDouble, JsonMode } from './fastjson-writer.js';
import { asLong, asObject, asOptionalDouble, parseJsonBody } from './json-read.js';
import { MessageQueueEntries, messageQueueMapFromJson, messageQueueMapToJson } from './message-queue.js';
import { JsonValue } from './tolerant-json.js';

export interface TopicOffset {
  minOffset: number;
  maxOffset: number;
  lastUpdateTimestamp: number;
}

export interface TopicStatsTable {
  offsetTable: MessageQueueEntries<TopicOffset>;
  /** [5.x] */
  topicPutTps?: number;
}

function topicOffsetFromJson(value: JsonValue): TopicOffset {
  const object = asObject(value);
  return {
    minOffset: asLong(object['minOffset']),
    maxOffset: asLong(object['maxOffset']),
    lastUpdateTimestamp: asLong(object['lastUpdateTimestamp']),
  };
}

export function encodeTopicStatsTable(table: TopicStatsTable, mode: JsonMode = 'standard'): Buffer {
  return encodeJsonBody(
    {
      offsetTable: messageQueueMapToJson(table.offsetTable, (offset) => ({
        lastUpdateTimestamp: offset.lastUpdateTimestamp,
        maxOffset: offset.maxOffset,
        minOffset: offset.minOffset,
      })),
      topicPutTps: table.topicPutTps === undefined ? undefined : jsonDouble(table.topicPutTps),
    },
    mode,
  );
}

export function decodeTopicStatsTable(body: Buffer | string): TopicStatsTable {
  const object = parseJsonBody(body, 'TopicStatsTable');
  const table: TopicStatsTable = { offsetTable: messageQueueMapFromJson(object['offsetTable'], topicOffsetFromJson) };
  const tps = asOptionalDouble(object['topicPutTps']);
  if (tps !== undefined) table.topicPutTps = tps;
  return table;
}
