/** Request-level put checks (broker-semantics.md 1.11) that need no store state. */
import { MAX_PROPERTIES_BYTES, MAX_V1_TOPIC_BYTES, MessageSysFlag, getTransactionValue } from '@rocketnest/protocol';
import type { PutBatchRequest, PutMessageRequest } from '../commit-log/put-message-request.js';
import { PutMessageStatus } from '../put-message-result.js';

export interface PutCheckFailure {
  status: PutMessageStatus;
  remark: string;
}

function checkTopic(topic: string): PutCheckFailure | undefined {
  if (topic.length === 0) return { status: PutMessageStatus.MESSAGE_ILLEGAL, remark: 'topic is empty' };
  if (Buffer.byteLength(topic) > MAX_V1_TOPIC_BYTES)
    return { status: PutMessageStatus.MESSAGE_ILLEGAL, remark: `topic longer than ${MAX_V1_TOPIC_BYTES} bytes` };
  if (topic.includes('\u0000')) return { status: PutMessageStatus.MESSAGE_ILLEGAL, remark: 'topic holds NUL' };
  return undefined;
}

function checkQueueId(queueId: number): PutCheckFailure | undefined {
  if (!Number.isInteger(queueId) || queueId < 0 || queueId > 0x7fffffff)
    return { status: PutMessageStatus.MESSAGE_ILLEGAL, remark: `invalid queueId ${queueId}` };
  return undefined;
}

export function checkProperties(properties: string): PutCheckFailure | undefined {
  if (properties.length > MAX_PROPERTIES_BYTES)
    return { status: PutMessageStatus.MESSAGE_ILLEGAL, remark: 'properties string longer than 32767' };
  if (properties.length > 0 && Buffer.byteLength(properties) > MAX_PROPERTIES_BYTES)
    return { status: PutMessageStatus.PROPERTIES_SIZE_EXCEEDED, remark: 'properties exceed 32767 bytes' };
  // Recovery reads a record ending in NUL as a torn write (see record-scan.ts).
  if (properties.endsWith('\u0000'))
    return { status: PutMessageStatus.MESSAGE_ILLEGAL, remark: 'properties end with NUL' };
  return undefined;
}

export function checkPutMessageRequest(request: PutMessageRequest): PutCheckFailure | undefined {
  return checkTopic(request.topic) ?? checkQueueId(request.queueId) ?? checkProperties(request.properties);
}

export function checkPutBatchRequest(request: PutBatchRequest): PutCheckFailure | undefined {
  const failure = checkTopic(request.topic) ?? checkQueueId(request.queueId);
  if (failure !== undefined) return failure;
  if (request.messages.length === 0) return { status: PutMessageStatus.MESSAGE_ILLEGAL, remark: 'empty batch' };
  if (getTransactionValue(request.sysFlag) !== MessageSysFlag.TRANSACTION_NOT_TYPE)
    return { status: PutMessageStatus.MESSAGE_ILLEGAL, remark: 'batch messages cannot be transactional' };
  for (const message of request.messages) {
    const propertiesFailure = checkProperties(message.properties);
    if (propertiesFailure !== undefined) return propertiesFailure;
  }
  return undefined;
}
