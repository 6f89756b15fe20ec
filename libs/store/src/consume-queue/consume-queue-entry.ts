/**
 * ConsumeQueue entry (broker-semantics.md 1.3), 20 bytes, big-endian:
 *   commitLogOffset:int64 | size:int32 | tagsCode:int64
 * tagsCode = javaStringHashCode(TAGS) sign-extended (0 without tag), or the delivery time for the delay topic.
 * Blank filler entry (a queue starting mid-file): [0, 0x7FFFFFFF, 0]. Valid entry: offset >= 0 and size > 0.
 */
import { readLong, writeLong } from '../store-bytes.js';

export const CQ_STORE_UNIT_SIZE = 20;
export const CQ_BLANK_SIZE = 0x7fffffff;

export interface ConsumeQueueEntry {
  commitLogOffset: number;
  size: number;
  tagsCode: number;
}

export function writeConsumeQueueEntry(
  target: Buffer,
  offset: number,
  commitLogOffset: number,
  size: number,
  tagsCode: number,
): void {
  writeLong(target, offset, commitLogOffset);
  target.writeInt32BE(size, offset + 8);
  writeLong(target, offset + 12, tagsCode);
}

export function readConsumeQueueEntry(buf: Buffer, offset: number): ConsumeQueueEntry {
  return {
    commitLogOffset: readLong(buf, offset),
    size: buf.readInt32BE(offset + 8),
    tagsCode: readLong(buf, offset + 12),
  };
}

export function isValidConsumeQueueEntry(buf: Buffer, offset: number): boolean {
  return readLong(buf, offset) >= 0 && buf.readInt32BE(offset + 8) > 0;
}

export function isBlankConsumeQueueEntry(entry: ConsumeQueueEntry): boolean {
  return entry.size === CQ_BLANK_SIZE && entry.commitLogOffset === 0 && entry.tagsCode === 0;
}
