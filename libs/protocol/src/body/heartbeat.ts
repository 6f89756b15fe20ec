/**
 * HeartbeatData, the HEART_BEAT (34) request body (remoting-protocol.md 2.4.1, Appendix C), with
 * ProducerData and ConsumerData. 4.x clients omit `heartbeatFingerprint` and `withoutSub`.
 */
import { encodeJsonBody, JsonMode, JsonWritableBean } from './fastjson-writer.js';
import {
  CONSUME_FROM_WHERES,
  CONSUME_TYPES,
  ConsumeFromWhere,
  ConsumeType,
  MESSAGE_MODELS,
  MessageModel,
} from './enums.js';
import {
  asArray,
  asBool,
  asEnum,
  asObject,
  asOptionalBool,
  asOptionalLong,
  asString,
  parseJsonBody,
} from './json-read.js';
import { SubscriptionData, subscriptionDataFromJson, subscriptionDataToJson } from './subscription-data.js';
import { JsonValue } from './tolerant-json.js';

export interface ProducerData {
  groupName: string;
}

export interface ConsumerData {
  groupName: string;
  /** Undefined when the peer sent an unknown name (Java: null). */
  consumeType: ConsumeType | undefined;
  messageModel: MessageModel | undefined;
  consumeFromWhere: ConsumeFromWhere | undefined;
  subscriptionDataSet: SubscriptionData[];
  unitMode: boolean;
}

export interface HeartbeatData {
  /** `clientIP@instanceName[@unitName]`. */
  clientID: string;
  producerDataSet: ProducerData[];
  consumerDataSet: ConsumerData[];
  /** [5.x] 0 = classic heartbeat, else heartbeat V2. */
  heartbeatFingerprint?: number;
  /** [5.x] V2 only: subscriptions omitted, keep the registered ones. */
  withoutSub?: boolean;
}

export function consumerDataToJson(data: ConsumerData): JsonWritableBean {
  return {
    consumeFromWhere: data.consumeFromWhere,
    consumeType: data.consumeType,
    groupName: data.groupName,
    messageModel: data.messageModel,
    subscriptionDataSet: data.subscriptionDataSet.map(subscriptionDataToJson),
    unitMode: data.unitMode,
  };
}

export function consumerDataFromJson(value: JsonValue): ConsumerData {
  const object = asObject(value);
  return {
    groupName: asString(object['groupName']),
    consumeType: asEnum(CONSUME_TYPES, object['consumeType']),
    messageModel: asEnum(MESSAGE_MODELS, object['messageModel']),
    consumeFromWhere: asEnum(CONSUME_FROM_WHERES, object['consumeFromWhere']),
    subscriptionDataSet: asArray(object['subscriptionDataSet']).map(subscriptionDataFromJson),
    unitMode: asBool(object['unitMode']),
  };
}

export function heartbeatDataToJson(data: HeartbeatData): JsonWritableBean {
  return {
    clientID: data.clientID,
    consumerDataSet: data.consumerDataSet.map(consumerDataToJson),
    heartbeatFingerprint: data.heartbeatFingerprint,
    producerDataSet: data.producerDataSet.map((producer) => ({ groupName: producer.groupName })),
    withoutSub: data.withoutSub,
  };
}

export function heartbeatDataFromJson(value: JsonValue): HeartbeatData {
  const object = asObject(value);
  const data: HeartbeatData = {
    clientID: asString(object['clientID']),
    producerDataSet: asArray(object['producerDataSet']).map((item) => ({
      groupName: asString(asObject(item)['groupName']),
    })),
    consumerDataSet: asArray(object['consumerDataSet']).map(consumerDataFromJson),
  };
  const fingerprint = asOptionalLong(object['heartbeatFingerprint']);
  if (fingerprint !== undefined) data.heartbeatFingerprint = fingerprint;
  const withoutSub = asOptionalBool(object['withoutSub']);
  if (withoutSub !== undefined) data.withoutSub = withoutSub;
  return data;
}

export function encodeHeartbeatData(data: HeartbeatData, mode: JsonMode = 'standard'): Buffer {
  return encodeJsonBody(heartbeatDataToJson(data), mode);
}

export function decodeHeartbeatData(body: Buffer | string): HeartbeatData {
  return heartbeatDataFromJson(parseJsonBody(body, 'HeartbeatData'));
}
