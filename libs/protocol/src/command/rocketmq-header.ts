/**
 * ROCKETMQ binary header (serType 1), remoting-protocol.md 1.5:
 *   code:i16 | language:u8 | version:i16 | opaque:i32 | flag:i32 | remarkLen:i32 remark |
 *   extLen:i32 ( keyLen:i16 key | valLen:i32 val )*
 * Strings of length 0 decode as null, so empty extFields values do not survive (as in Java).
 */
import { ProtocolError } from '../errors.js';
import { LANGUAGE_NAMES, LANGUAGE_OTHER, languageCode } from './language-code.js';
import { ExtFields, RemotingCommand, SerializeType } from './remoting-command.js';

const FIXED_BYTES = 2 + 1 + 2 + 4 + 4;
/** SEND_MESSAGE_V2 keys are one letter: reuse the strings instead of decoding each time. */
const ONE_CHAR_KEYS: readonly string[] = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code));

export function rocketmqHeaderSize(command: RemotingCommand): number {
  let size = FIXED_BYTES + 4 + 4;
  if (command.remark) size += Buffer.byteLength(command.remark);
  if (command.extFields !== null) size += extFieldsSize(command.extFields);
  return size;
}

function extFieldsSize(fields: ExtFields): number {
  let size = 0;
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined || value === null) continue;
    size += 2 + Buffer.byteLength(key) + 4 + Buffer.byteLength(String(value));
  }
  return size;
}

/** Writes the header at `offset` of `target`; returns the offset after it. */
export function writeRocketmqHeader(command: RemotingCommand, target: Buffer, offset: number): number {
  let pos = offset;
  pos = target.writeInt16BE((command.code << 16) >> 16, pos);
  pos = target.writeUInt8(languageCode(command.language), pos);
  pos = target.writeInt16BE((command.version << 16) >> 16, pos);
  pos = target.writeInt32BE(command.opaque | 0, pos);
  pos = target.writeInt32BE(command.flag | 0, pos);
  if (command.remark) {
    const written = target.write(command.remark, pos + 4, 'utf8');
    target.writeInt32BE(written, pos);
    pos += 4 + written;
  } else {
    pos = target.writeInt32BE(0, pos);
  }
  const lengthAt = pos;
  pos += 4;
  if (command.extFields !== null) {
    const fields = command.extFields;
    for (const key in fields) {
      const value = fields[key];
      if (value === undefined || value === null) continue;
      const keyBytes = target.write(key, pos + 2, 'utf8');
      target.writeInt16BE(keyBytes, pos);
      pos += 2 + keyBytes;
      const valueBytes = target.write(String(value), pos + 4, 'utf8');
      target.writeInt32BE(valueBytes, pos);
      pos += 4 + valueBytes;
    }
  }
  target.writeInt32BE(pos - lengthAt - 4, lengthAt);
  return pos;
}

export function decodeRocketmqHeader(buf: Buffer, start: number, end: number): Omit<RemotingCommand, 'body'> {
  if (end - start < FIXED_BYTES + 8) throw new ProtocolError('ROCKETMQ header shorter than its fixed part');
  let pos = start;
  const code = buf.readInt16BE(pos);
  const languageByte = buf.readUInt8(pos + 2);
  const version = buf.readInt16BE(pos + 3);
  const opaque = buf.readInt32BE(pos + 5);
  const flag = buf.readInt32BE(pos + 9);
  pos += FIXED_BYTES;
  const remarkLength = buf.readInt32BE(pos);
  pos += 4;
  if (remarkLength < 0 || remarkLength > end - pos)
    throw new ProtocolError('ROCKETMQ header remark length out of range');
  const remark = remarkLength > 0 ? buf.toString('utf8', pos, pos + remarkLength) : null;
  pos += remarkLength;
  if (end - pos < 4) throw new ProtocolError('ROCKETMQ header truncated before extFields');
  const extLength = buf.readInt32BE(pos);
  pos += 4;
  if (extLength < 0 || extLength > end - pos) throw new ProtocolError('ROCKETMQ header extFields length out of range');
  let extFields: ExtFields | null = null;
  if (extLength > 0) {
    extFields = {};
    const extEnd = pos + extLength;
    while (pos < extEnd) {
      if (extEnd - pos < 2) throw new ProtocolError('ROCKETMQ header truncated key length');
      const keyLength = buf.readInt16BE(pos);
      pos += 2;
      if (keyLength < 0 || keyLength > extEnd - pos) throw new ProtocolError('ROCKETMQ header key length out of range');
      const key =
        keyLength === 1 && buf[pos]! < 0x80 ? ONE_CHAR_KEYS[buf[pos]!]! : buf.toString('utf8', pos, pos + keyLength);
      pos += keyLength;
      if (extEnd - pos < 4) throw new ProtocolError('ROCKETMQ header truncated value length');
      const valueLength = buf.readInt32BE(pos);
      pos += 4;
      if (valueLength < 0 || valueLength > extEnd - pos)
        throw new ProtocolError('ROCKETMQ header value length out of range');
      if (keyLength > 0 && valueLength > 0) extFields[key] = buf.toString('utf8', pos, pos + valueLength);
      pos += valueLength;
    }
  }
  return {
    code,
    language: LANGUAGE_NAMES[languageByte] ?? LANGUAGE_OTHER,
    version,
    opaque,
    flag,
    remark,
    extFields,
    serializeType: SerializeType.ROCKETMQ,
    // Set by the frame decoder; present here so every command object has one shape.
    body: null,
  } as Omit<RemotingCommand, 'body'>;
}
