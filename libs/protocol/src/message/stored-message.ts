/**
 * Stored message record: a CommitLog entry and an element of PULL/QUERY/VIEW bodies
 * (remoting-protocol.md 4.1, broker-semantics.md 1.2). Big-endian; B/S = 8 (IPv4) or 20 (IPv6) by sysFlag.
 *
 *   0  totalSize:i32          4  magicCode:i32         8  bodyCRC:i32         12 queueId:i32
 *   16 flag:i32               20 queueOffset:i64       28 physicalOffset:i64  36 sysFlag:i32
 *   40 bornTimestamp:i64      48 bornHost:B            48+B storeTimestamp:i64
 *   56+B storeHost:S          56+B+S reconsumeTimes:i32                      60+B+S preparedTxOffset:i64
 *   68+B+S bodyLength:i32 | body | topicLength:i8 (V1) or i16 (V2) | topic | propertiesLength:i16 | properties
 *
 * V1 magic whenever the topic is <= 127 UTF-8 bytes (4.x and 5.0 clients cannot read V2). End-of-file filler
 * is the 8-byte BLANK record `[size:i32][0xCBD43194]` (1.2 "Blank"). 64-bit fields are JS numbers written as
 * two 32-bit halves, so no BigInt is allocated per record.
 */
import { ProtocolError } from '../errors.js';
import { maskedCrc32 } from './crc32.js';
import {
  formatHostAddress,
  IPV4_HOST_BYTES,
  IPV6_HOST_BYTES,
  parseHostAddress,
  writeHostAddress,
} from './host-address.js';
import type { MessageExt, MessageRecordInput } from './message-types.js';
import { decodeProperties } from './properties.js';
import { MessageSysFlag } from './sys-flag.js';

/** 0xDAA320A7 as a Java int. */
export const MESSAGE_MAGIC_CODE_V1 = -626843481;
/** 0xDAA320AB as a Java int: 2-byte topic length. */
export const MESSAGE_MAGIC_CODE_V2 = -626843477;
/** 0xCBD43194 as a Java int: end-of-segment filler. */
export const BLANK_MAGIC_CODE = -875286124;
export const BLANK_RECORD_BYTES = 8;
/** Largest properties string, in UTF-8 bytes (signed short length). */
export const MAX_PROPERTIES_BYTES = 32767;
/** Largest topic written with the V1 magic. */
export const MAX_V1_TOPIC_BYTES = 127;
/** Largest topic at all (V2's signed short length). */
export const MAX_TOPIC_BYTES = 32767;

/** Field positions that do not depend on the host widths. */
export const StoredMessagePosition = Object.freeze({
  TOTAL_SIZE: 0,
  MAGIC_CODE: 4,
  BODY_CRC: 8,
  QUEUE_ID: 12,
  FLAG: 16,
  QUEUE_OFFSET: 20,
  PHYSICAL_OFFSET: 28,
  SYS_FLAG: 36,
  BORN_TIMESTAMP: 40,
  BORN_HOST: 48,
} as const);

const TWO_POW_32 = 4294967296;
const HOST_V6_BITS = MessageSysFlag.BORNHOST_V6_FLAG | MessageSysFlag.STOREHOSTADDRESS_V6_FLAG;
/** Smallest valid record: IPv4 hosts, V1, empty body, topic and properties. */
const MIN_RECORD_BYTES = 72 + 2 * IPV4_HOST_BYTES + 1 + 2;

function writeLong(target: Buffer, value: number, at: number): void {
  const high = Math.floor(value / TWO_POW_32);
  target.writeInt32BE(high, at);
  target.writeUInt32BE(value - high * TWO_POW_32, at + 4);
}

function readLong(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * TWO_POW_32 + buf.readUInt32BE(at + 4);
}

function bornHostBytes(sysFlag: number): number {
  return (sysFlag & MessageSysFlag.BORNHOST_V6_FLAG) !== 0 ? IPV6_HOST_BYTES : IPV4_HOST_BYTES;
}

function storeHostBytes(sysFlag: number): number {
  return (sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG) !== 0 ? IPV6_HOST_BYTES : IPV4_HOST_BYTES;
}

/** A string whose UTF-8 length equals its UTF-16 length is ASCII: latin1 writes the same bytes, faster. */
function textEncoding(text: string, byteLength: number): BufferEncoding {
  return byteLength === text.length ? 'latin1' : 'utf8';
}

/** Position of storeTimestamp inside a record with this sysFlag (56 for an IPv4 born host). */
export function storeTimestampPosition(sysFlag: number): number {
  return 48 + bornHostBytes(sysFlag);
}

/**
 * Record length from field lengths (Java `calMsgLength`): the host widths come from the sysFlag V6 bits,
 * the topic-length width from the topic byte length (V1 up to 127).
 */
export function storedRecordLength(
  sysFlag: number,
  bodyLength: number,
  topicLength: number,
  propertiesLength: number,
): number {
  const topicLengthBytes = topicLength > MAX_V1_TOPIC_BYTES ? 2 : 1;
  return (
    72 +
    bornHostBytes(sysFlag) +
    storeHostBytes(sysFlag) +
    bodyLength +
    topicLengthBytes +
    topicLength +
    2 +
    propertiesLength
  );
}

/** Size in bytes `writeStoredMessage` will write for this input. */
export function storedMessageSize(input: MessageRecordInput): number {
  const born = parseHostAddress(input.bornHost);
  const store = parseHostAddress(input.storeHost);
  const topicLength = Buffer.byteLength(input.topic);
  const propertiesLength = input.properties.length === 0 ? 0 : Buffer.byteLength(input.properties);
  const topicLengthBytes = topicLength > MAX_V1_TOPIC_BYTES ? 2 : 1;
  return (
    72 +
    born.ip.length +
    store.ip.length +
    8 +
    input.body.length +
    topicLengthBytes +
    topicLength +
    2 +
    propertiesLength
  );
}

/**
 * Writes one record at `target[offset]` and returns its size. The V6 sysFlag bits are set from the hosts,
 * bodyCRC is computed when the input has none. Throws ProtocolError when a length exceeds its field or the
 * record does not fit in `target`. Besides the body copy it allocates nothing once the hosts are cached.
 */
export function writeStoredMessage(input: MessageRecordInput, target: Buffer, offset: number): number {
  const born = parseHostAddress(input.bornHost);
  const store = parseHostAddress(input.storeHost);
  const body = input.body;
  const topicLength = Buffer.byteLength(input.topic);
  const propertiesLength = input.properties.length === 0 ? 0 : Buffer.byteLength(input.properties);
  if (topicLength > MAX_TOPIC_BYTES)
    throw new ProtocolError(`topic of ${topicLength} bytes exceeds ${MAX_TOPIC_BYTES}`);
  if (propertiesLength > MAX_PROPERTIES_BYTES)
    throw new ProtocolError(`properties of ${propertiesLength} bytes exceed ${MAX_PROPERTIES_BYTES}`);
  const v2 = topicLength > MAX_V1_TOPIC_BYTES;
  const size =
    72 + born.ip.length + store.ip.length + 8 + body.length + (v2 ? 2 : 1) + topicLength + 2 + propertiesLength;
  if (!(offset >= 0 && offset + size <= target.length))
    throw new ProtocolError(`record of ${size} bytes does not fit at ${offset} in a buffer of ${target.length}`);
  let sysFlag = input.sysFlag & ~HOST_V6_BITS;
  if (born.ipv6) sysFlag |= MessageSysFlag.BORNHOST_V6_FLAG;
  if (store.ipv6) sysFlag |= MessageSysFlag.STOREHOSTADDRESS_V6_FLAG;

  target.writeInt32BE(size, offset);
  target.writeInt32BE(v2 ? MESSAGE_MAGIC_CODE_V2 : MESSAGE_MAGIC_CODE_V1, offset + 4);
  target.writeInt32BE(input.bodyCRC ?? maskedCrc32(body), offset + 8);
  target.writeInt32BE(input.queueId, offset + 12);
  target.writeInt32BE(input.flag, offset + 16);
  writeLong(target, input.queueOffset, offset + 20);
  writeLong(target, input.physicalOffset, offset + 28);
  target.writeInt32BE(sysFlag, offset + 36);
  writeLong(target, input.bornTimestamp, offset + 40);
  let pos = offset + 48;
  pos += writeHostAddress(born, target, pos);
  writeLong(target, input.storeTimestamp, pos);
  pos += 8;
  pos += writeHostAddress(store, target, pos);
  target.writeInt32BE(input.reconsumeTimes, pos);
  writeLong(target, input.preparedTransactionOffset, pos + 4);
  target.writeInt32BE(body.length, pos + 12);
  pos += 16;
  body.copy(target, pos);
  pos += body.length;
  if (v2) {
    target.writeInt16BE(topicLength, pos);
    pos += 2;
  } else {
    target[pos++] = topicLength;
  }
  if (topicLength > 0) pos += target.write(input.topic, pos, topicLength, textEncoding(input.topic, topicLength));
  target.writeInt16BE(propertiesLength, pos);
  if (propertiesLength > 0)
    target.write(input.properties, pos + 2, propertiesLength, textEncoding(input.properties, propertiesLength));
  return size;
}

/** One record in a new buffer of its exact size. */
export function encodeStoredMessage(input: MessageRecordInput): Buffer {
  const buf = Buffer.allocUnsafe(storedMessageSize(input));
  writeStoredMessage(input, buf, 0);
  return buf;
}

/**
 * Fills the fields the store assigns inside its append lock into an already written record, so encoding can
 * happen outside the lock. The body CRC does not cover them.
 */
export function patchStoredRecord(
  target: Buffer,
  offset: number,
  queueOffset: number,
  physicalOffset: number,
  storeTimestamp: number,
): void {
  writeLong(target, queueOffset, offset + 20);
  writeLong(target, physicalOffset, offset + 28);
  writeLong(target, storeTimestamp, offset + storeTimestampPosition(target.readInt32BE(offset + 36)));
}

/** Writes the 8-byte BLANK filler `[size][0xCBD43194]` that closes a segment; `size` = bytes left in it. */
export function writeBlankRecord(target: Buffer, offset: number, size: number): void {
  target.writeInt32BE(size, offset);
  target.writeInt32BE(BLANK_MAGIC_CODE, offset + 4);
}

/** Where each variable field of a validated record lies. Internal to the decoders. */
interface RecordLayout {
  totalSize: number;
  magicCode: number;
  sysFlag: number;
  bornHostPos: number;
  storeTimestampPos: number;
  storeHostPos: number;
  reconsumeTimesPos: number;
  bodyPos: number;
  bodyLength: number;
  topicPos: number;
  topicLength: number;
  propertiesPos: number;
  propertiesLength: number;
}

/**
 * Checks magic and every length against the record size; returns the layout or the reason it is invalid.
 * Never throws: all reads stay inside [offset, offset + available) and available <= buf.length - offset.
 */
function parseLayout(buf: Buffer, offset: number, available: number): RecordLayout | string {
  if (available < 8) return `only ${available} bytes left, a record header needs 8`;
  const totalSize = buf.readInt32BE(offset);
  const magicCode = buf.readInt32BE(offset + 4);
  if (magicCode !== MESSAGE_MAGIC_CODE_V1 && magicCode !== MESSAGE_MAGIC_CODE_V2)
    return `bad magic code 0x${(magicCode >>> 0).toString(16)}`;
  if (totalSize < MIN_RECORD_BYTES) return `record size ${totalSize} below the minimum ${MIN_RECORD_BYTES}`;
  if (totalSize > available) return `record size ${totalSize} exceeds the ${available} bytes available`;
  const end = offset + totalSize;
  const sysFlag = buf.readInt32BE(offset + 36);
  const bornHostPos = offset + 48;
  const storeTimestampPos = bornHostPos + bornHostBytes(sysFlag);
  const storeHostPos = storeTimestampPos + 8;
  const reconsumeTimesPos = storeHostPos + storeHostBytes(sysFlag);
  const bodyLengthPos = reconsumeTimesPos + 12;
  if (bodyLengthPos + 4 > end) return `record size ${totalSize} too small for its IPv6 hosts`;
  const bodyLength = buf.readInt32BE(bodyLengthPos);
  const bodyPos = bodyLengthPos + 4;
  if (bodyLength < 0 || bodyLength > end - bodyPos) return `body length ${bodyLength} out of bounds`;
  let pos = bodyPos + bodyLength;
  let topicLength: number;
  if (magicCode === MESSAGE_MAGIC_CODE_V2) {
    if (pos + 2 > end) return 'record ends inside the topic length';
    topicLength = buf.readInt16BE(pos);
    pos += 2;
  } else {
    if (pos + 1 > end) return 'record ends inside the topic length';
    // Unsigned: lenient where 4.x Java reads a signed byte; we never write V1 above 127.
    topicLength = buf[pos];
    pos += 1;
  }
  if (topicLength < 0 || topicLength > end - pos) return `topic length ${topicLength} out of bounds`;
  const topicPos = pos;
  pos += topicLength;
  if (pos + 2 > end) return 'record ends inside the properties length';
  const propertiesLength = buf.readInt16BE(pos);
  pos += 2;
  if (propertiesLength < 0 || propertiesLength > end - pos)
    return `properties length ${propertiesLength} out of bounds`;
  if (pos + propertiesLength !== end)
    return `fields end at ${pos + propertiesLength - offset}, record size is ${totalSize}`;
  return {
    totalSize,
    magicCode,
    sysFlag,
    bornHostPos,
    storeTimestampPos,
    storeHostPos,
    reconsumeTimesPos,
    bodyPos,
    bodyLength,
    topicPos,
    topicLength,
    propertiesPos: pos,
    propertiesLength,
  };
}

function toMessageExt(buf: Buffer, offset: number, layout: RecordLayout): MessageExt {
  const sysFlag = layout.sysFlag;
  const bornV6 = (sysFlag & MessageSysFlag.BORNHOST_V6_FLAG) !== 0;
  const storeV6 = (sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG) !== 0;
  const storeHostEnd = layout.storeHostPos + (storeV6 ? IPV6_HOST_BYTES : IPV4_HOST_BYTES);
  return {
    storeSize: layout.totalSize,
    magicCode: layout.magicCode,
    bodyCRC: buf.readInt32BE(offset + 8),
    queueId: buf.readInt32BE(offset + 12),
    flag: buf.readInt32BE(offset + 16),
    queueOffset: readLong(buf, offset + 20),
    commitLogOffset: readLong(buf, offset + 28),
    sysFlag,
    bornTimestamp: readLong(buf, offset + 40),
    bornHost: formatHostAddress(buf, layout.bornHostPos, bornV6),
    storeTimestamp: readLong(buf, layout.storeTimestampPos),
    storeHost: formatHostAddress(buf, layout.storeHostPos, storeV6),
    reconsumeTimes: buf.readInt32BE(layout.reconsumeTimesPos),
    preparedTransactionOffset: readLong(buf, layout.reconsumeTimesPos + 4),
    body: buf.subarray(layout.bodyPos, layout.bodyPos + layout.bodyLength),
    topic: buf.toString('utf8', layout.topicPos, layout.topicPos + layout.topicLength),
    properties:
      layout.propertiesLength === 0
        ? (Object.create(null) as Record<string, string>)
        : decodeProperties(buf.toString('utf8', layout.propertiesPos, layout.propertiesPos + layout.propertiesLength)),
    // Section 6.1: store host (address + port) then physical offset, exactly the record's bytes.
    offsetMsgId: (
      buf.toString('hex', layout.storeHostPos, storeHostEnd) + buf.toString('hex', offset + 28, offset + 36)
    ).toUpperCase(),
  };
}

/**
 * Decodes the record at `offset`. `body` is a view into `buf` (valid while `buf` is). The CRC is not
 * verified (clients do not, by default). Throws ProtocolError on a malformed or truncated record.
 */
export function decodeStoredMessage(buf: Buffer, offset = 0): MessageExt {
  const available = buf.length - offset;
  if (!(offset >= 0 && available >= 0)) throw new ProtocolError(`offset ${offset} outside a ${buf.length}-byte buffer`);
  const layout = parseLayout(buf, offset, available);
  if (typeof layout === 'string') throw new ProtocolError(`malformed stored message at ${offset}: ${layout}`);
  return toMessageExt(buf, offset, layout);
}

/**
 * Decodes concatenated records (PULL/QUERY bodies). Like Java `MessageDecoder.decodes`, a record that fails to
 * parse ends the loop and the messages decoded so far are returned.
 */
export function decodeStoredMessages(buf: Buffer): MessageExt[] {
  const messages: MessageExt[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const layout = parseLayout(buf, offset, buf.length - offset);
    if (typeof layout === 'string') break;
    messages.push(toMessageExt(buf, offset, layout));
    offset += layout.totalSize;
  }
  return messages;
}

/** What crash recovery and dispatch need from one valid record. */
export interface StoredRecordMessage {
  kind: 'message';
  /** totalSize: the next record starts `size` bytes later. */
  size: number;
  magicCode: number;
  bodyCRC: number;
  queueId: number;
  flag: number;
  queueOffset: number;
  physicalOffset: number;
  sysFlag: number;
  bornTimestamp: number;
  storeTimestamp: number;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  /** Absolute position of the body in the checked buffer. */
  bodyOffset: number;
  bodyLength: number;
  topic: string;
  /** Raw properties string: read TAGS/KEYS/UNIQ_KEY/DELAY from it with `readProperty`. */
  properties: string;
}

export type StoredRecordCheck =
  | StoredRecordMessage
  /** End-of-segment filler: continue in the next file. `size` is the filler's own size field. */
  | { kind: 'blank'; size: number }
  /** Torn or corrupt data: recovery stops here. */
  | { kind: 'invalid'; reason: string }
  /** Nothing was written here: no bytes left or the header bytes are all zero (pre-allocated space). */
  | { kind: 'end' };

export interface CheckStoredRecordOptions {
  /** Verify the body CRC (Java `checkCRCOnRecover`, default true). */
  checkCrc?: boolean;
}

export const DEFAULT_CHECK_STORED_RECORD_OPTIONS: Readonly<Required<CheckStoredRecordOptions>> = Object.freeze({
  checkCrc: true,
});

/**
 * Validates the record at `offset` given `available` readable bytes (capped to the buffer), like Java
 * `checkMessageAndReturnSize`: magic, size bounds, field lengths summing to totalSize, and the body CRC.
 * Never throws on any content.
 */
export function checkStoredRecord(
  buf: Buffer,
  offset: number,
  available: number,
  options: CheckStoredRecordOptions = DEFAULT_CHECK_STORED_RECORD_OPTIONS,
): StoredRecordCheck {
  if (!(offset >= 0 && offset <= buf.length)) return { kind: 'invalid', reason: `offset ${offset} outside the buffer` };
  const readable = Math.min(available, buf.length - offset);
  if (!(readable > 0)) return { kind: 'end' };
  const headerEnd = offset + Math.min(readable, 8);
  let zero = true;
  for (let i = offset; i < headerEnd; i++) {
    if (buf[i] !== 0) {
      zero = false;
      break;
    }
  }
  if (zero) return { kind: 'end' };
  if (readable >= 8 && buf.readInt32BE(offset + 4) === BLANK_MAGIC_CODE) {
    const size = buf.readInt32BE(offset);
    if (size < BLANK_RECORD_BYTES) return { kind: 'invalid', reason: `blank record of size ${size}` };
    return { kind: 'blank', size };
  }
  const layout = parseLayout(buf, offset, readable);
  if (typeof layout === 'string') return { kind: 'invalid', reason: layout };
  const bodyCRC = buf.readInt32BE(offset + 8);
  if (options.checkCrc ?? true) {
    const actual = maskedCrc32(buf, layout.bodyPos, layout.bodyPos + layout.bodyLength);
    if (actual !== bodyCRC) return { kind: 'invalid', reason: `body CRC ${actual} does not match stored ${bodyCRC}` };
  }
  return {
    kind: 'message',
    size: layout.totalSize,
    magicCode: layout.magicCode,
    bodyCRC,
    queueId: buf.readInt32BE(offset + 12),
    flag: buf.readInt32BE(offset + 16),
    queueOffset: readLong(buf, offset + 20),
    physicalOffset: readLong(buf, offset + 28),
    sysFlag: layout.sysFlag,
    bornTimestamp: readLong(buf, offset + 40),
    storeTimestamp: readLong(buf, layout.storeTimestampPos),
    reconsumeTimes: buf.readInt32BE(layout.reconsumeTimesPos),
    preparedTransactionOffset: readLong(buf, layout.reconsumeTimesPos + 4),
    bodyOffset: layout.bodyPos,
    bodyLength: layout.bodyLength,
    topic: buf.toString('utf8', layout.topicPos, layout.topicPos + layout.topicLength),
    properties: buf.toString('utf8', layout.propertiesPos, layout.propertiesPos + layout.propertiesLength),
  };
}
