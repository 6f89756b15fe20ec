/**
 * Connection lists (remoting-protocol.md 2.9): ConsumerConnection (GET_CONSUMER_CONNECTION_LIST, 203) and
 * ProducerConnection (GET_PRODUCER_CONNECTION_LIST, 204). `language` is a LanguageCode name.
 */
import { LanguageName, parseLanguage } from '../command/language-code.js';
import { encodeJsonBody, JsonMode, JsonWritable, JsonWritableBean } from './fastjson-writer.js';
import {
  CONSUME_FROM_WHERES,
  CONSUME_TYPES,
  ConsumeFromWhere,
  ConsumeType,
  MESSAGE_MODELS,
  MessageModel,
} from './enums.js';
import { asArray, asEnum, asInt, asObject, asRecord, asString, newRecord, parseJsonBody } from './json-read.js';
import { SubscriptionData, subscriptionDataFromJson, subscriptionDataToJson } from './subscription-data.js';
import { JsonValue } from './tolerant-json.js';

export interface Connection {
  clientId: string;
  clientAddr: string;
  language: LanguageName;
  /** The client's MQVersion ordinal. */
  version: number;
}

export interface ConsumerConnection {
  connectionSet: Connection[];
  /** topic -> subscription. */
  subscriptionTable: Record<string, SubscriptionData>;
  consumeType?: ConsumeType;
  messageModel?: MessageModel;
  consumeFromWhere?: ConsumeFromWhere;
}

export interface ProducerConnection {
  connectionSet: Connection[];
}

function connectionToJson(connection: Connection): JsonWritableBean {
  return {
    clientAddr: connection.clientAddr,
    clientId: connection.clientId,
    language: connection.language,
    version: connection.version,
  };
}

function connectionFromJson(value: JsonValue): Connection {
  const object = asObject(value);
  return {
    clientId: asString(object['clientId']),
    clientAddr: asString(object['clientAddr']),
    language: parseLanguage(object['language']),
    version: asInt(object['version']),
  };
}

export function encodeConsumerConnection(connection: ConsumerConnection, mode: JsonMode = 'standard'): Buffer {
  const subscriptions = newRecord<JsonWritable>();
  for (const [topic, data] of Object.entries(connection.subscriptionTable)) {
    subscriptions[topic] = subscriptionDataToJson(data);
  }
  return encodeJsonBody(
    {
      connectionSet: connection.connectionSet.map(connectionToJson),
      consumeFromWhere: connection.consumeFromWhere,
      consumeType: connection.consumeType,
      messageModel: connection.messageModel,
      subscriptionTable: subscriptions,
    },
    mode,
  );
}

export function decodeConsumerConnection(body: Buffer | string): ConsumerConnection {
  const object = parseJsonBody(body, 'ConsumerConnection');
  const connection: ConsumerConnection = {
    connectionSet: asArray(object['connectionSet']).map(connectionFromJson),
    subscriptionTable: asRecord(object['subscriptionTable'], subscriptionDataFromJson),
  };
  const consumeType = asEnum(CONSUME_TYPES, object['consumeType']);
  if (consumeType !== undefined) connection.consumeType = consumeType;
  const messageModel = asEnum(MESSAGE_MODELS, object['messageModel']);
  if (messageModel !== undefined) connection.messageModel = messageModel;
  const consumeFromWhere = asEnum(CONSUME_FROM_WHERES, object['consumeFromWhere']);
  if (consumeFromWhere !== undefined) connection.consumeFromWhere = consumeFromWhere;
  return connection;
}

export function encodeProducerConnection(connection: ProducerConnection, mode: JsonMode = 'standard'): Buffer {
  return encodeJsonBody({ connectionSet: connection.connectionSet.map(connectionToJson) }, mode);
}

export function decodeProducerConnection(body: Buffer | string): ProducerConnection {
  const object = parseJsonBody(body, 'ProducerConnection');
  return { connectionSet: asArray(object['connectionSet']).map(connectionFromJson) };
}
