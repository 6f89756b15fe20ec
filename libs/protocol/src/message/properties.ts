/**
 * Message properties string (remoting-protocol.md 5.1):
 *   name \u0001 value \u0002 name \u0001 value \u0002 ...
 * Every pair, the last included, ends with \u0002 when we write; readers accept a missing final \u0002.
 * Decoding reproduces Java `MessageDecoder.string2messageProperties` exactly (TV8): a segment shorter than
 * 3 UTF-16 units, or whose first \u0001 is its first or last character, is ignored, so empty names and
 * empty values are dropped; values may contain \u0001; a repeated name keeps its last value.
 */
import { ProtocolError } from '../errors.js';

export const NAME_VALUE_SEPARATOR = '\u0001';
export const PROPERTY_SEPARATOR = '\u0002';
const NAME_VALUE_CODE = 0x01;
const PROPERTY_CODE = 0x02;

/** Property keys of section 5.2. The constant name is the wire key wherever the key is an identifier. */
export const MessageConst = Object.freeze({
  KEYS: 'KEYS',
  TAGS: 'TAGS',
  WAIT: 'WAIT',
  DELAY: 'DELAY',
  RETRY_TOPIC: 'RETRY_TOPIC',
  REAL_TOPIC: 'REAL_TOPIC',
  REAL_QID: 'REAL_QID',
  TRAN_MSG: 'TRAN_MSG',
  PGROUP: 'PGROUP',
  MIN_OFFSET: 'MIN_OFFSET',
  MAX_OFFSET: 'MAX_OFFSET',
  BUYER_ID: 'BUYER_ID',
  ORIGIN_MESSAGE_ID: 'ORIGIN_MESSAGE_ID',
  TRANSFER_FLAG: 'TRANSFER_FLAG',
  CORRECTION_FLAG: 'CORRECTION_FLAG',
  MQ2_FLAG: 'MQ2_FLAG',
  RECONSUME_TIME: 'RECONSUME_TIME',
  MSG_REGION: 'MSG_REGION',
  TRACE_ON: 'TRACE_ON',
  UNIQ_KEY: 'UNIQ_KEY',
  EXTEND_UNIQ_INFO: 'EXTEND_UNIQ_INFO',
  MAX_RECONSUME_TIMES: 'MAX_RECONSUME_TIMES',
  CONSUME_START_TIME: 'CONSUME_START_TIME',
  INNER_NUM: 'INNER_NUM',
  INNER_BASE: 'INNER_BASE',
  DUP_INFO: 'DUP_INFO',
  CHECK_IMMUNITY_TIME_IN_SECONDS: 'CHECK_IMMUNITY_TIME_IN_SECONDS',
  TRAN_PREPARED_QUEUE_OFFSET: 'TRAN_PREPARED_QUEUE_OFFSET',
  TRANSACTION_CHECK_TIMES: 'TRANSACTION_CHECK_TIMES',
  TRANSACTION_ID: '__transactionId__',
  INSTANCE_ID: 'INSTANCE_ID',
  CORRELATION_ID: 'CORRELATION_ID',
  REPLY_TO_CLIENT: 'REPLY_TO_CLIENT',
  TTL: 'TTL',
  ARRIVE_TIME: 'ARRIVE_TIME',
  PUSH_REPLY_TIME: 'PUSH_REPLY_TIME',
  CLUSTER: 'CLUSTER',
  MSG_TYPE: 'MSG_TYPE',
  POP_CK: 'POP_CK',
  POP_CK_OFFSET: 'POP_CK_OFFSET',
  FIRST_POP_TIME: '1ST_POP_TIME',
  SHARDING_KEY: '__SHARDINGKEY',
  FORWARD_QUEUE_ID: 'PROPERTY_FORWARD_QUEUE_ID',
  REDIRECT: 'REDIRECT',
  INNER_MULTI_DISPATCH: 'INNER_MULTI_DISPATCH',
  INNER_MULTI_QUEUE_OFFSET: 'INNER_MULTI_QUEUE_OFFSET',
  TRACE_CONTEXT: 'TRACE_CONTEXT',
  TIMER_DELIVER_MS: 'TIMER_DELIVER_MS',
  TIMER_DELAY_SEC: 'TIMER_DELAY_SEC',
  TIMER_DELAY_MS: 'TIMER_DELAY_MS',
  TIMER_ENQUEUE_MS: 'TIMER_ENQUEUE_MS',
  TIMER_DEQUEUE_MS: 'TIMER_DEQUEUE_MS',
  TIMER_ROLL_TIMES: 'TIMER_ROLL_TIMES',
  TIMER_OUT_MS: 'TIMER_OUT_MS',
  TIMER_DEL_UNIQKEY: 'TIMER_DEL_UNIQKEY',
  TIMER_DELAY_LEVEL: 'TIMER_DELAY_LEVEL',
  BORN_HOST: '__BORNHOST',
  BORN_TIMESTAMP: 'BORN_TIMESTAMP',
  CRC32: '__CRC32#',
  DLQ_ORIGIN_TOPIC: 'DLQ_ORIGIN_TOPIC',
  DLQ_ORIGIN_MESSAGE_ID: 'DLQ_ORIGIN_MESSAGE_ID',
  START_DELIVER_TIME: '__STARTDELIVERTIME',
} as const);

export type MessageConstKey = keyof typeof MessageConst;

/** Names starting with this prefix are client-local and never sent (5.1). */
export const TRANSIENT_PROPERTY_PREFIX = '__RMQ.TRANSIENT.';

/** Separator of several business keys inside `KEYS`. */
export const KEY_SEPARATOR = ' ';

// 5.2: every standard key except those Java lets users set through putUserProperty.
const USER_SETTABLE: ReadonlySet<string> = new Set<string>([
  MessageConst.CHECK_IMMUNITY_TIME_IN_SECONDS,
  MessageConst.TRANSACTION_CHECK_TIMES,
  MessageConst.TRANSACTION_ID,
  MessageConst.INNER_NUM,
  MessageConst.INNER_BASE,
  MessageConst.SHARDING_KEY,
  MessageConst.FORWARD_QUEUE_ID,
  MessageConst.REDIRECT,
  MessageConst.INNER_MULTI_DISPATCH,
  MessageConst.TRACE_CONTEXT,
  MessageConst.START_DELIVER_TIME,
]);

/** Names Java's `putUserProperty` rejects (MessageConst.STRING_HASH_SET). */
export const RESERVED_PROPERTY_NAMES: ReadonlySet<string> = new Set<string>(
  Object.values(MessageConst).filter((name) => !USER_SETTABLE.has(name)),
);

export function isReservedPropertyName(name: string): boolean {
  return RESERVED_PROPERTY_NAMES.has(name);
}

/** Input accepted by the encoder; `undefined`/`null` values are skipped like Java skips nulls. */
export type PropertiesInput =
  Readonly<Record<string, string | undefined | null>> | ReadonlyMap<string, string | undefined | null>;

function appendPair(out: string, name: string, value: string): string {
  if (name.length === 0) throw new ProtocolError('property name is empty');
  if (name.includes(NAME_VALUE_SEPARATOR) || name.includes(PROPERTY_SEPARATOR))
    throw new ProtocolError(`property name ${JSON.stringify(name)} contains a separator character`);
  if (value.includes(PROPERTY_SEPARATOR))
    throw new ProtocolError(`value of property ${JSON.stringify(name)} contains \\u0002`);
  return out + name + NAME_VALUE_SEPARATOR + value + PROPERTY_SEPARATOR;
}

/**
 * Serializes properties. Throws ProtocolError for a name that is empty or holds a separator, or a value
 * holding \u0002 (those would change meaning on the other side). An empty value is written, as Java does,
 * though every reader drops it.
 */
export function encodeProperties(properties: PropertiesInput): string {
  let out = '';
  if (properties instanceof Map) {
    for (const [name, value] of properties)
      if (value !== undefined && value !== null) out = appendPair(out, name, value);
  } else {
    const record = properties as Readonly<Record<string, string | undefined | null>>;
    for (const name of Object.keys(record)) {
      const value = record[name];
      if (value !== undefined && value !== null) out = appendPair(out, name, value);
    }
  }
  return out;
}

/**
 * Parses a properties string like Java `string2messageProperties` (TV8). The result has no prototype, so a
 * property named `__proto__` is an ordinary entry; use `Object.hasOwn` rather than `obj.hasOwnProperty`.
 */
export function decodeProperties(properties: string): Record<string, string> {
  const map = Object.create(null) as Record<string, string>;
  const length = properties.length;
  let index = 0;
  // Position of the next \u0001 at or after `index`; cached so a long run of segments without one stays linear.
  let nameValueIndex = -2;
  while (index < length) {
    let end = properties.indexOf(PROPERTY_SEPARATOR, index);
    if (end < 0) end = length;
    if (end - index >= 3) {
      if (nameValueIndex !== -1 && nameValueIndex < index)
        nameValueIndex = properties.indexOf(NAME_VALUE_SEPARATOR, index);
      if (nameValueIndex > index && nameValueIndex < end - 1) {
        map[properties.substring(index, nameValueIndex)] = properties.substring(nameValueIndex + 1, end);
      }
    }
    index = end + 1;
  }
  return map;
}

/**
 * The value `decodeProperties(properties)[name]` would hold, found without building the map (the broker reads
 * TAGS, KEYS, UNIQ_KEY and DELAY this way on every put). `undefined` when absent or empty.
 */
export function readProperty(properties: string, name: string): string | undefined {
  const nameLength = name.length;
  if (nameLength === 0 || name.includes(NAME_VALUE_SEPARATOR) || name.includes(PROPERTY_SEPARATOR)) return undefined;
  const length = properties.length;
  let found: string | undefined;
  let from = 0;
  while (from < length) {
    const at = properties.indexOf(name, from);
    if (at < 0) break;
    const valueStart = at + nameLength + 1;
    if (
      (at === 0 || properties.charCodeAt(at - 1) === PROPERTY_CODE) &&
      properties.charCodeAt(at + nameLength) === NAME_VALUE_CODE
    ) {
      let end = properties.indexOf(PROPERTY_SEPARATOR, valueStart);
      if (end < 0) end = length;
      // A later duplicate wins, as in Java's HashMap.put; keep scanning.
      if (end > valueStart) found = properties.substring(valueStart, end);
      from = end + 1;
    } else {
      from = at + 1;
    }
  }
  return found;
}

/** Whether `readProperty(properties, name)` would find a value. */
export function hasProperty(properties: string, name: string): boolean {
  return readProperty(properties, name) !== undefined;
}

/**
 * Appends one pair to an already-serialized string (broker adding CLUSTER, REAL_TOPIC...). Adds the missing
 * final \u0002 first if needed. A name already present is overridden for readers, who keep the last value.
 */
export function appendProperty(properties: string, name: string, value: string): string {
  const base =
    properties.length === 0 || properties.charCodeAt(properties.length - 1) === PROPERTY_CODE
      ? properties
      : properties + PROPERTY_SEPARATOR;
  return appendPair(base, name, value);
}

/** Removes every pair named `name` (what Java does with clearProperty before re-serializing). */
export function removeProperty(properties: string, name: string): string {
  if (!properties.includes(name)) return properties;
  let out = '';
  let index = 0;
  const length = properties.length;
  while (index < length) {
    let end = properties.indexOf(PROPERTY_SEPARATOR, index);
    if (end < 0) end = length;
    const matches =
      end - index > name.length &&
      properties.startsWith(name, index) &&
      properties.charCodeAt(index + name.length) === NAME_VALUE_CODE;
    if (!matches) out += properties.substring(index, Math.min(end + 1, length));
    index = end + 1;
  }
  return out;
}
