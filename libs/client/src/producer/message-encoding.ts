/**
 * A user Message -> the send header's properties and sysFlag and the wire body (remoting-protocol.md
 * 2.1.1, 4.4, 5, 7; broker-semantics.md 10.2, 10.5): UNIQ_KEY set once (retries keep it), WAIT, TAGS, KEYS,
 * DELAY, user properties; single bodies of at least the threshold zlib-compressed (level 5); batches never.
 */
import {
  MessageConst,
  compressBody,
  createUniqKey,
  encodeBatchBody,
  encodeProperties,
  isNotAllowedSendTopic,
  isReservedPropertyName,
  isRetryTopic,
  setCompressed,
  validateTopicName,
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

/** Java's client-side checks (10.2 step 1): topic name, forbidden system topics, body size. */
export function validateMessage(message: Message, maxMessageSizeBytes: number): void {
  if (typeof message.topic !== 'string') throw new MQClientError('message topic is missing');
  const check = validateTopicName(message.topic);
  if (!check.valid) throw new MQClientError(check.reason);
  if (isNotAllowedSendTopic(message.topic))
    throw new MQClientError(`Sending message to topic[${message.topic}] is forbidden.`);
  if (!Buffer.isBuffer(message.body)) throw new MQClientError('message body must be a Buffer');
  if (message.body.length === 0) throw new MQClientError('the message body length is zero');
  if (message.body.length > maxMessageSizeBytes)
    throw new MQClientError(`the message body size over max value, MAX: ${maxMessageSizeBytes}`);
}

/**
 * The properties map of a message (UNIQ_KEY generated if absent, kept if the message carries one, so a
 * resend keeps its id). `internal` lets the library itself set reserved names (replies, retries).
 */
export function messageProperties(message: Message, internal = false): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.properties ?? {})) {
    if (!internal && isReservedPropertyName(name))
      throw new MQClientError(`The Property<${name}> is used by system, input another please`);
    if (name.trim() === '' || String(value).trim() === '')
      throw new MQClientError('The name or value of property can not be null or blank string!');
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
    // Incompressible data stays raw: consumers read it either way, and the broker stores fewer bytes.
    if (compressed.length < body.length) {
      body = compressed;
      sysFlag = setCompressed(sysFlag, 'ZLIB');
    }
  }
  return { properties, sysFlag, body };
}

export interface EncodedBatch {
  body: Buffer;
  /** Properties of the batch object itself (header `i`): WAIT and the batch's own UNIQ_KEY (7). */
  headerProperties: string;
  /** Every message's UNIQ_KEY, in order. */
  uniqKeys: string[];
}

/** Java MessageBatch rules (10.5): one topic, one WAIT value, no delay, no retry topic, no transaction. */
export function encodeBatch(messages: readonly Message[], maxMessageSizeBytes: number): EncodedBatch {
  const first = messages[0];
  if (first === undefined) throw new MQClientError('a batch needs at least one message');
  if (isRetryTopic(first.topic)) throw new MQClientError('retry group topic is not supported for batching');
  const wait = first.waitStoreMsgOK !== false;
  const uniqKeys: string[] = [];
  const entries = messages.map((message) => {
    validateMessage(message, maxMessageSizeBytes);
    if (message.topic !== first.topic)
      throw new MQClientError('the topic of the messages in one batch should be the same');
    if ((message.waitStoreMsgOK !== false) !== wait)
      throw new MQClientError('the waitStoreMsgOK of the messages in one batch should be the same');
    if (message.delayTimeLevel !== undefined && message.delayTimeLevel > 0)
      throw new MQClientError('TimeDelayLevel is not supported for batching');
    const properties = messageProperties(message);
    uniqKeys.push(properties[MessageConst.UNIQ_KEY]!);
    return { flag: message.flag ?? 0, body: message.body, properties: encodeProperties(properties) };
  });
  const body = encodeBatchBody(entries);
  if (body.length > maxMessageSizeBytes)
    throw new MQClientError(`the batch of ${body.length} bytes is over max size ${maxMessageSizeBytes}`);
  const headerProperties = encodeProperties({
    [MessageConst.WAIT]: String(wait),
    [MessageConst.UNIQ_KEY]: createUniqKey(),
  });
  return { body, headerProperties, uniqKeys };
}
