/**
 * QueryConsumeTimeSpanBody, the QUERY_CONSUME_TIME_SPAN (303) response body: per queue, the store times of
 * its first and last messages and of the message at the group's consumer offset.
 */
import { encodeJsonBody, JsonMode } from './fastjson-writer.js';
import { asArray, asLong, asObject, parseJsonBody } from './json-read.js';
import { MessageQueue, messageQueueFromJson, messageQueueToJson } from './message-queue.js';

export interface QueueTimeSpan {
  messageQueue: MessageQueue;
  minTimeStamp: number;
  maxTimeStamp: number;
  consumeTimeStamp: number;
  delayTime: number;
}

export interface QueryConsumeTimeSpanBody {
  consumeTimeSpanSet: QueueTimeSpan[];
}

export function encodeQueryConsumeTimeSpanBody(body: QueryConsumeTimeSpanBody, mode: JsonMode = 'standard'): Buffer {
  return encodeJsonBody(
    {
      consumeTimeSpanSet: body.consumeTimeSpanSet.map((span) => ({
        consumeTimeStamp: span.consumeTimeStamp,
        delayTime: span.delayTime,
        maxTimeStamp: span.maxTimeStamp,
        messageQueue: messageQueueToJson(span.messageQueue),
        minTimeStamp: span.minTimeStamp,
      })),
    },
    mode,
  );
}

export function decodeQueryConsumeTimeSpanBody(body: Buffer | string): QueryConsumeTimeSpanBody {
  const object = parseJsonBody(body, 'QueryConsumeTimeSpanBody');
  return {
    consumeTimeSpanSet: asArray(object['consumeTimeSpanSet']).map((item) => {
      const span = asObject(item);
      return {
        messageQueue: messageQueueFromJson(span['messageQueue']),
        minTimeStamp: asLong(span['minTimeStamp']),
        maxTimeStamp: asLong(span['maxTimeStamp']),
        consumeTimeStamp: asLong(span['consumeTimeStamp']),
        delayTime: asLong(span['delayTime']),
      };
    }),
  };
}
