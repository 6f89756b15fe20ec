/**
 * SEND_BATCH_MESSAGE body (remoting-protocol.md 7): records back to back, each
 *   totalSize:i32 | magicCode:i32 (0) | bodyCRC:i32 (0) | flag:i32 | bodyLength:i32 | body
 *   | propertiesLength:i16 | properties (that message's own 5.1 string)
 * Java brokers read the fields in sequence and ignore totalSize, magic and CRC; so do we (a client that gets
 * totalSize wrong is still accepted, as by Java). Bodies are never compressed in a batch.
 */
import { ProtocolError } from '../errors.js';
import type { BatchEntry } from './message-types.js';
import { decodeProperties, encodeProperties } from './properties.js';
import { MAX_PROPERTIES_BYTES } from './stored-message.js';

/** A batch entry whose properties stay serialized: what the broker stores verbatim. */
export interface RawBatchEntry {
  flag: number;
  /** View into the request body when decoded. */
  body: Buffer;
  /** Serialized properties string (section 5.1), '' for none. */
  properties: string;
}

const ENTRY_OVERHEAD_BYTES = 4 + 4 + 4 + 4 + 4 + 2;

/** Encodes entries given with either a properties map or an already-serialized string. */
export function encodeBatchBody(entries: readonly (BatchEntry | RawBatchEntry)[]): Buffer {
  const serialized: string[] = new Array<string>(entries.length);
  const propertyLengths: number[] = new Array<number>(entries.length);
  let size = 0;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    const properties = typeof entry.properties === 'string' ? entry.properties : encodeProperties(entry.properties);
    const length = Buffer.byteLength(properties);
    if (length > MAX_PROPERTIES_BYTES)
      throw new ProtocolError(`batch entry ${i}: properties of ${length} bytes exceed ${MAX_PROPERTIES_BYTES}`);
    serialized[i] = properties;
    propertyLengths[i] = length;
    size += ENTRY_OVERHEAD_BYTES + entry.body.length + length;
  }
  const buf = Buffer.allocUnsafe(size);
  let pos = 0;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    const length = propertyLengths[i];
    buf.writeInt32BE(ENTRY_OVERHEAD_BYTES + entry.body.length + length, pos);
    buf.writeInt32BE(0, pos + 4);
    buf.writeInt32BE(0, pos + 8);
    buf.writeInt32BE(entry.flag, pos + 12);
    buf.writeInt32BE(entry.body.length, pos + 16);
    pos += 20;
    pos += entry.body.copy(buf, pos);
    buf.writeInt16BE(length, pos);
    pos += 2;
    if (length > 0) pos += buf.write(serialized[i], pos, length, 'utf8');
  }
  return buf;
}

/**
 * Decodes a batch body keeping each entry's properties serialized; bodies are views into `buf`. Throws
 * ProtocolError when a record is truncated or has a negative length.
 */
export function decodeBatchBodyRaw(buf: Buffer): RawBatchEntry[] {
  const entries: RawBatchEntry[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const index = entries.length;
    if (buf.length - pos < ENTRY_OVERHEAD_BYTES)
      throw new ProtocolError(`batch entry ${index} at ${pos}: ${buf.length - pos} bytes left, need at least 22`);
    const flag = buf.readInt32BE(pos + 12);
    const bodyLength = buf.readInt32BE(pos + 16);
    const bodyPos = pos + 20;
    if (bodyLength < 0 || bodyLength > buf.length - bodyPos - 2)
      throw new ProtocolError(`batch entry ${index} at ${pos}: body length ${bodyLength} out of bounds`);
    const propertiesLengthPos = bodyPos + bodyLength;
    const propertiesLength = buf.readInt16BE(propertiesLengthPos);
    const propertiesPos = propertiesLengthPos + 2;
    if (propertiesLength < 0 || propertiesLength > buf.length - propertiesPos)
      throw new ProtocolError(`batch entry ${index} at ${pos}: properties length ${propertiesLength} out of bounds`);
    entries.push({
      flag,
      body: buf.subarray(bodyPos, propertiesLengthPos),
      properties: buf.toString('utf8', propertiesPos, propertiesPos + propertiesLength),
    });
    pos = propertiesPos + propertiesLength;
  }
  return entries;
}

/** Decodes a batch body with parsed properties; bodies are views into `buf`. */
export function decodeBatchBody(buf: Buffer): BatchEntry[] {
  return decodeBatchBodyRaw(buf).map((entry) => ({
    flag: entry.flag,
    body: entry.body,
    properties: decodeProperties(entry.properties),
  }));
}
