/**
 * Ordered-consumption lock bodies (remoting-protocol.md 2.7): LockBatchRequestBody (LOCK_BATCH_MQ 41),
 * UnlockBatchRequestBody (UNLOCK_BATCH_MQ 42, same shape) and LockBatchResponseBody.
 */
import { encodeJsonBody, JsonMode } from './fastjson-writer.js';
import { asArray, asBool, asObject, asString, parseJsonBody } from './json-read.js';
import { MessageQueue, messageQueueFromJson, messageQueueToJson } from './message-queue.js';

export interface LockBatchRequestBody {
  clientId: string;
  consumerGroup: string;
  mqSet: MessageQueue[];
  /** [5.x] broker-to-broker calls in lockInStrictMode; false from clients. */
  onlyThisBroker: boolean;
}

export type UnlockBatchRequestBody = LockBatchRequestBody;

export interface LockBatchResponseBody {
  /** The subset now locked by the requesting client. */
  lockOKMQSet: MessageQueue[];
}

export function encodeLockBatchRequestBody(body: LockBatchRequestBody, mode: JsonMode = 'standard'): Buffer {
  return encodeJsonBody(
    {
      clientId: body.clientId,
      consumerGroup: body.consumerGroup,
      mqSet: body.mqSet.map(messageQueueToJson),
      onlyThisBroker: body.onlyThisBroker,
    },
    mode,
  );
}

export function decodeLockBatchRequestBody(body: Buffer | string): LockBatchRequestBody {
  const object = asObject(parseJsonBody(body, 'LockBatchRequestBody'));
  return {
    clientId: asString(object['clientId']),
    consumerGroup: asString(object['consumerGroup']),
    mqSet: asArray(object['mqSet']).map(messageQueueFromJson),
    onlyThisBroker: asBool(object['onlyThisBroker']),
  };
}

export function encodeUnlockBatchRequestBody(body: UnlockBatchRequestBody, mode: JsonMode = 'standard'): Buffer {
  return encodeLockBatchRequestBody(body, mode);
}

export function decodeUnlockBatchRequestBody(body: Buffer | string): UnlockBatchRequestBody {
  return decodeLockBatchRequestBody(body);
}

export function encodeLockBatchResponseBody(body: LockBatchResponseBody, mode: JsonMode = 'standard'): Buffer {
  return encodeJsonBody({ lockOKMQSet: body.lockOKMQSet.map(messageQueueToJson) }, mode);
}

export function decodeLockBatchResponseBody(body: Buffer | string): LockBatchResponseBody {
  const object = parseJsonBody(body, 'LockBatchResponseBody');
  return { lockOKMQSet: asArray(object['lockOKMQSet']).map(messageQueueFromJson) };
}
