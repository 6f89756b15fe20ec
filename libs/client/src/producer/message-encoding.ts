/**
 * A user Message -> the send header's properties and sysFlag and the wire body (remoting-protocol.md
 * 2.1.1, 4.4, 5): UNIQ_KEY set once (retries keep it), WAIT, TAGS, KEYS, DELAY, user properties; bodies
 * over the threshold zlib-compressed.
 */
import {
  MessageConst,
  MessageSysFlag,
  compressBody,
  createUniqKey,
  encodeProperties,
  isReservedPropertyName,
  setCompressed,
} from '@rocketnest/protocol';
import { MQClientError } from '../errors.js';
import { Message, keysOf } from '../message/message.js';

export interface EncodedMessage {
  properties: Record<string, string>;
  sysFlag: number;
  body: Buffer;
}

export interface EncodeOptions {
  compressThresholdBytes: number;
  maxMessageSizeBytes: number;
  /** Batches are never compressed. */
  compress: boolean;
}

export function validateMessage(message: Message, maxMessageSizeBytes: number): void {
  if (typeof message.topic !== 'string' || message.topic.trim() === '')
    throw new MQClientError('message topic is empty');
  if (!Buffer.isBuffer(message.body)) throw new MQClientError('message body must be a Buffer');
  if (message.body.length === 0) throw new MQClientError('message body length is zero');
  if (message.body.length > maxMessageSizeBytes) {
    throw new MQClientError(`message body size over max value, MAX: ${maxMessageSizeBytes}`);
  }
}

/**
 * The properties map of a message (UNIQ_KEY generated if absent, kept if the message carries one, so a
 * resend keeps its id). `internal` lets the library itself set reserved names (replies, retries).
 */
export function messageProperties(message: Message, internal = false): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.properties ?? {})) {
    if (!internal && isReservedPropertyName(name))
      throw new MQClientError(`the property name ${name} is reserved by RocketMQ`);
    if (name.trim() === '' || String(value).trim() === '')
      throw new MQClientError('property names and values must not be blank');
    properties[name] = String(value);
  }
  properties[MessageConst.UNIQ_KEY] ??= createUniqKey();
  properties[MessageConst.WAIT] = message.waitStoreMsgOK === false ? 'false' : 'true';
  if (message.tags !== undefined && message.tags !== '') properties[MessageConst.TAGS] = message.tags;
  const keys = keysOf(message);
  if (keys.length > 0) properties[MessageConst.KEYS] = keys.join(' ');
  if (message.delayTimeLevel !== undefined && message.delayTimeLevel > 0)
    properties[MessageConst.DELAY] = String(message.delayTimeLevel);
  return properties;
}

export function encodeMessage(
  message: Message,
  properties: Record<string, string>,
  options: EncodeOptions,
): EncodedMessage {
  let sysFlag = 0;
  let body = message.body;
  if (options.compress && body.length >= options.compressThresholdBytes) {
    const compressed = compressBody(body, 'ZLIB');
    if (compressed.length < body.length) {
      body = compressed;
      sysFlag = setCompressed(sysFlag, 'ZLIB');
    }
  }
  return { properties, sysFlag, body };
}

export { MessageSysFlag, encodeProperties };
