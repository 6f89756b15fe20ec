/**
 * Frame layout (remoting-protocol.md 1.2):
 *   length:i32 (bytes after this field) | serType:u8 headerLen:u24 | header | body
 * The encoder returns the frame head (length prefix, type word and header) apart from the body, so a body is
 * never copied into a frame: the transport writes both with writev/cork.
 */
import { decodeJsonHeader, encodeJsonHeader } from '../command/json-header.js';
import { RemotingCommand, SerializeType } from '../command/remoting-command.js';
import { decodeRocketmqHeader, rocketmqHeaderSize, writeRocketmqHeader } from '../command/rocketmq-header.js';
import { ProtocolError } from '../errors.js';

/** Java's default `frameMaxLength`: 16 MiB, counting the 4-byte length field. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
const MAX_HEADER_BYTES = 0xffffff;
/** First buffer for a frame split across chunks; grows as the rest arrives. */
const INITIAL_PARTIAL_BYTES = 64 * 1024;

/** Frame head: length field, type word and serialized header; the body goes beside it. */
export function encodeFrameHead(command: RemotingCommand): Buffer {
  const bodyLength = command.body === null ? 0 : command.body.length;
  if (command.serializeType === SerializeType.ROCKETMQ && command.code <= 0x7fff && command.code >= -0x8000) {
    const headerLength = rocketmqHeaderSize(command);
    const head = Buffer.allocUnsafe(8 + headerLength);
    head.writeInt32BE(4 + headerLength + bodyLength, 0);
    head.writeInt32BE((SerializeType.ROCKETMQ << 24) | headerLength, 4);
    writeRocketmqHeader(command, head, 8);
    return head;
  }
  const json = encodeJsonHeader(command);
  const headerLength = Buffer.byteLength(json);
  if (headerLength > MAX_HEADER_BYTES) throw new ProtocolError(`header of ${headerLength} bytes exceeds 24-bit length`);
  const head = Buffer.allocUnsafe(8 + headerLength);
  head.writeInt32BE(4 + headerLength + bodyLength, 0);
  head.writeInt32BE(headerLength, 4);
  head.write(json, 8, 'utf8');
  return head;
}

/** Whole frame in one buffer (tests, small control messages). Hot paths use encodeFrameHead + body. */
export function encodeFrame(command: RemotingCommand): Buffer {
  const head = encodeFrameHead(command);
  return command.body === null || command.body.length === 0 ? head : Buffer.concat([head, command.body]);
}

/**
 * Decodes one frame that spans buf[start, end) including its length field. The body is a view into `buf`
 * (no copy): it stays valid as long as the caller does not reuse `buf`.
 */
export function decodeFrame(buf: Buffer, start = 0, end = buf.length): RemotingCommand {
  if (end - start < 8) throw new ProtocolError('frame shorter than 8 bytes');
  const length = buf.readInt32BE(start);
  if (length !== end - start - 4)
    throw new ProtocolError(`frame length ${length} does not match ${end - start - 4} bytes`);
  const typeWord = buf.readUInt32BE(start + 4);
  const serializeType = typeWord >>> 24;
  const headerLength = typeWord & 0xffffff;
  if (headerLength > length - 4)
    throw new ProtocolError(`header length ${headerLength} exceeds frame length ${length}`);
  const headerStart = start + 8;
  const headerEnd = headerStart + headerLength;
  let header: Omit<RemotingCommand, 'body'>;
  if (serializeType === SerializeType.JSON) {
    header = decodeJsonHeader(buf.toString('utf8', headerStart, headerEnd));
  } else if (serializeType === SerializeType.ROCKETMQ) {
    header = decodeRocketmqHeader(buf, headerStart, headerEnd);
  } else {
    throw new ProtocolError(`unknown header serialize type ${serializeType}`);
  }
  const command = header as RemotingCommand;
  command.body = headerEnd < end ? buf.subarray(headerEnd, end) : null;
  return command;
}

export interface FrameDecoderOptions {
  /** Largest frame accepted, counting the length field. */
  maxFrameBytes?: number;
}

/**
 * Incremental decoder fed arbitrary chunks (a frame split across chunks, many frames in one chunk).
 * Complete frames are decoded in place; only a frame that straddles chunks is copied, once, into a buffer of
 * its exact size. Throws ProtocolError on bad input; after that the decoder must not be used again.
 */
export class FrameDecoder {
  private readonly maxFrameBytes: number;
  /**
   * A frame that straddles chunks: its total size, a buffer that grows towards it as bytes arrive (so a peer
   * that announces 16 MiB and stalls costs little), and how much of it is filled.
   */
  private partial: Buffer | null = null;
  private partialSize = 0;
  private partialFilled = 0;
  /** Fewer than 4 bytes left over: not even the length is known yet. */
  private head: Buffer | null = null;

  constructor(options: FrameDecoderOptions = {}) {
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** Bytes held back waiting for the rest of a frame. */
  get bufferedBytes(): number {
    return (this.partial === null ? 0 : this.partialFilled) + (this.head === null ? 0 : this.head.length);
  }

  /** Feeds a chunk; calls `onCommand` for every complete frame, in order. `onCommand` must not throw. */
  push(input: Buffer, onCommand: (command: RemotingCommand) => void): void {
    let chunk = input;
    if (this.head !== null) {
      chunk = Buffer.concat([this.head, chunk]);
      this.head = null;
    }
    let pos = 0;
    if (this.partial !== null) {
      const n = Math.min(this.partialSize - this.partialFilled, chunk.length);
      this.ensurePartialCapacity(this.partialFilled + n);
      const frame = this.partial;
      chunk.copy(frame, this.partialFilled, 0, n);
      this.partialFilled += n;
      pos = n;
      if (this.partialFilled < this.partialSize) return;
      this.partial = null;
      this.partialFilled = 0;
      onCommand(decodeFrame(frame));
    }
    while (chunk.length - pos >= 4) {
      const length = chunk.readInt32BE(pos);
      if (length < 4) throw new ProtocolError(`frame length ${length} is too small`);
      const total = length + 4;
      if (total > this.maxFrameBytes)
        throw new ProtocolError(`frame of ${total} bytes exceeds the limit of ${this.maxFrameBytes}`);
      if (chunk.length - pos >= total) {
        const command = decodeFrame(chunk, pos, pos + total);
        pos += total;
        onCommand(command);
      } else {
        const have = chunk.length - pos;
        this.partialSize = total;
        this.partial = Buffer.allocUnsafe(Math.min(total, Math.max(INITIAL_PARTIAL_BYTES, have)));
        chunk.copy(this.partial, 0, pos);
        this.partialFilled = have;
        return;
      }
    }
    if (pos < chunk.length) this.head = Buffer.from(chunk.subarray(pos));
  }

  /** Grows the straddling frame's buffer (doubling, capped at the frame size) to hold `needed` bytes. */
  private ensurePartialCapacity(needed: number): void {
    const current = this.partial!;
    if (current.length >= needed) return;
    let capacity = current.length;
    while (capacity < needed) capacity *= 2;
    const grown = Buffer.allocUnsafe(Math.min(capacity, this.partialSize));
    current.copy(grown, 0, 0, this.partialFilled);
    this.partial = grown;
  }
}
