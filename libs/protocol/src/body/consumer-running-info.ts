/**
 * ConsumerRunningInfo (basic fields), the client's answer to GET_CONSUMER_RUNNING_INFO (307)
 * (remoting-protocol.md 2.9): `properties`, `subscriptionSet`, `mqTable` (MessageQueue object keys),
 * `statusTable`, `jstack`; the 5.x `mqPopTable` and `userConsumerInfo` are kept verbatim.
 */
import { encodeJsonBody, jsonDouble, JsonMode, JsonWritable, JsonWritableBean } from './fastjson-writer.js';
import {
  asArray,
  asBool,
  asDouble,
  asLong,
  asObject,
  asOptionalBool,
  asOptionalString,
  asRecord,
  asStringMap,
  newRecord,
  parseJsonBody,
} from './json-read.js';
import { MessageQueueEntries, messageQueueMapFromJson, messageQueueMapToJson } from './message-queue.js';
import { SubscriptionData, subscriptionDataFromJson, subscriptionDataToJson } from './subscription-data.js';
import { isJsonObject, JsonValue } from './tolerant-json.js';

/** Well-known `properties` keys. */
export const ConsumerRunningInfoProperty = {
  NAMESRV_ADDR: 'PROP_NAMESERVER_ADDR',
  THREADPOOL_CORE_SIZE: 'PROP_THREADPOOL_CORE_SIZE',
  CONSUME_ORDERLY: 'PROP_CONSUMEORDERLY',
  CONSUME_TYPE: 'PROP_CONSUME_TYPE',
  CLIENT_VERSION: 'PROP_CLIENT_VERSION',
  CONSUMER_START_TIMESTAMP: 'PROP_CONSUMER_START_TIMESTAMP',
} as const;

export interface ProcessQueueInfo {
  commitOffset: number;
  cachedMsgMinOffset: number;
  cachedMsgMaxOffset: number;
  cachedMsgCount: number;
  cachedMsgSizeInMiB: number;
  transactionMsgMinOffset: number;
  transactionMsgMaxOffset: number;
  transactionMsgCount: number;
  locked: boolean;
  tryUnlockTimes: number;
  lastLockTimestamp: number;
  /** Written `dropped` (5.x); 4.x spelled it `droped`, which is read too. */
  dropped: boolean;
  lastPullTimestamp: number;
  lastConsumeTimestamp: number;
}

export interface ConsumeStatus {
  pullRT: number;
  pullTPS: number;
  consumeRT: number;
  consumeOKTPS: number;
  consumeFailedTPS: number;
  consumeFailedMsgs: number;
}

export interface ConsumerRunningInfo {
  properties: Record<string, string>;
  subscriptionSet: SubscriptionData[];
  mqTable: MessageQueueEntries<ProcessQueueInfo>;
  /** topic -> status. */
  statusTable: Record<string, ConsumeStatus>;
  jstack?: string;
  /** [5.x] verbatim. */
  mqPopTable?: JsonValue;
  /** [5.x] verbatim. */
  userConsumerInfo?: JsonValue;
}

const PROCESS_QUEUE_LONGS = [
  'commitOffset',
  'cachedMsgMinOffset',
  'cachedMsgMaxOffset',
  'cachedMsgCount',
  'cachedMsgSizeInMiB',
  'transactionMsgMinOffset',
  'transactionMsgMaxOffset',
  'transactionMsgCount',
  'tryUnlockTimes',
  'lastLockTimestamp',
  'lastPullTimestamp',
  'lastConsumeTimestamp',
] as const;

function processQueueInfoFromJson(value: JsonValue): ProcessQueueInfo {
  const object = asObject(value);
  const info = {
    locked: asBool(object['locked']),
    dropped: asOptionalBool(object['dropped']) ?? asBool(object['droped']),
  } as ProcessQueueInfo;
  for (const key of PROCESS_QUEUE_LONGS) info[key] = asLong(object[key]);
  return info;
}

function processQueueInfoToJson(info: ProcessQueueInfo): JsonWritableBean {
  return { ...info };
}

const STATUS_DOUBLES = ['pullRT', 'pullTPS', 'consumeRT', 'consumeOKTPS', 'consumeFailedTPS'] as const;

function consumeStatusFromJson(value: JsonValue): ConsumeStatus {
  const object = asObject(value);
  const status = { consumeFailedMsgs: asLong(object['consumeFailedMsgs']) } as ConsumeStatus;
  for (const key of STATUS_DOUBLES) status[key] = asDouble(object[key]);
  return status;
}

function consumeStatusToJson(status: ConsumeStatus): JsonWritableBean {
  const out = newRecord<JsonWritable>();
  for (const key of STATUS_DOUBLES) out[key] = jsonDouble(status[key]);
  out['consumeFailedMsgs'] = status.consumeFailedMsgs;
  return out;
}

export function encodeConsumerRunningInfo(info: ConsumerRunningInfo, mode: JsonMode = 'standard'): Buffer {
  const statusTable = newRecord<JsonWritable>();
  for (const [topic, status] of Object.entries(info.statusTable)) statusTable[topic] = consumeStatusToJson(status);
  return encodeJsonBody(
    {
      jstack: info.jstack,
      mqPopTable: info.mqPopTable,
      mqTable: messageQueueMapToJson(info.mqTable, processQueueInfoToJson),
      properties: info.properties,
      statusTable,
      subscriptionSet: info.subscriptionSet.map(subscriptionDataToJson),
      userConsumerInfo: info.userConsumerInfo,
    },
    mode,
  );
}

export function decodeConsumerRunningInfo(body: Buffer | string): ConsumerRunningInfo {
  const object = parseJsonBody(body, 'ConsumerRunningInfo');
  const info: ConsumerRunningInfo = {
    properties: asStringMap(object['properties']),
    subscriptionSet: asArray(object['subscriptionSet']).map(subscriptionDataFromJson),
    mqTable: messageQueueMapFromJson(object['mqTable'], processQueueInfoFromJson),
    statusTable: asRecord(object['statusTable'], consumeStatusFromJson),
  };
  const jstack = asOptionalString(object['jstack']);
  if (jstack !== undefined) info.jstack = jstack;
  if (isJsonObject(object['mqPopTable'])) info.mqPopTable = object['mqPopTable'];
  if (isJsonObject(object['userConsumerInfo'])) info.userConsumerInfo = object['userConsumerInfo'];
  return info;
}
