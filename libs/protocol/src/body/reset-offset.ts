/**
 * RESET_CONSUMER_CLIENT_OFFSET (220) bodies (remoting-protocol.md 2.9): ResetOffsetBody
 * `{"offsetTable":{<MessageQueue>:offset}}`, or for an admin request sent with language CPP,
 * ResetOffsetBodyForC `{"offsetTable":[{"brokerName","offset","queueId","topic"}]}`. The decoder reads both.
 */
import { encodeJsonBody, JsonMode } from './fastjson-writer.js';
import { asArray, asInt, asLong, asObject, asString, parseJsonBody } from './json-read.js';
import { MessageQueueEntries, messageQueueMapFromJson, messageQueueMapToJson } from './message-queue.js';

export interface ResetOffsetBody {
  offsetTable: MessageQueueEntries<number>;
}

export function encodeResetOffsetBody(body: ResetOffsetBody, mode: JsonMode = 'standard'): Buffer {
  return encodeJsonBody({ offsetTable: messageQueueMapToJson(body.offsetTable, (offset) => offset) }, mode);
}

/** The CPP list form (ResetOffsetBodyForC). */
export function encodeResetOffsetBodyForC(body: ResetOffsetBody, mode: JsonMode = 'standard'): Buffer {
  return encodeJsonBody(
    {
      offsetTable: body.offsetTable.map(([mq, offset]) => ({
        brokerName: mq.brokerName,
        offset,
        queueId: mq.queueId,
        topic: mq.topic,
      })),
    },
    mode,
  );
}

/** Reads the map form and the CPP list form. */
export function decodeResetOffsetBody(body: Buffer | string): ResetOffsetBody {
  const table = parseJsonBody(body, 'ResetOffsetBody')['offsetTable'];
  if (!Array.isArray(table)) return { offsetTable: messageQueueMapFromJson(table, (offset) => asLong(offset)) };
  return {
    offsetTable: asArray(table).map((item) => {
      const object = asObject(item);
      return [
        {
          topic: asString(object['topic']),
          brokerName: asString(object['brokerName']),
          queueId: asInt(object['queueId']),
        },
        asLong(object['offset']),
      ];
    }),
  };
}
