/**
 * IndexFile layout (broker-semantics.md 1.5), big-endian:
 *   header  40 bytes   beginTimestamp:i64 | endTimestamp:i64 | beginPhyOffset:i64 | endPhyOffset:i64 |
 *                      hashSlotCount:i32 | indexCount:i32   (indexCount starts at 1: entry 0 is never used)
 *   slots   hashSlotNum x 4 bytes   number of the newest entry whose key lands in the slot (0 = none)
 *   entries indexNum x 20 bytes     keyHash:i32 | phyOffset:i64 | timeDiff:i32 (seconds since beginTimestamp)
 *                                   | prevIndex:i32 (previous entry of the same slot, 0 = end of chain)
 * Key = `topic#key`; keyHash = |javaStringHashCode(key)| (Integer.MIN_VALUE -> 0); slot = keyHash % hashSlotNum.
 */
import { javaStringHashCode } from '@rocketnest/protocol';
import { readLong, writeLong } from '../store-bytes.js';

export const INDEX_HEADER_SIZE = 40;
export const INDEX_SLOT_SIZE = 4;
export const INDEX_ENTRY_SIZE = 20;
export const INVALID_INDEX = 0;

export interface IndexHeader {
  beginTimestamp: number;
  endTimestamp: number;
  beginPhyOffset: number;
  endPhyOffset: number;
  hashSlotCount: number;
  indexCount: number;
}

export interface IndexEntry {
  keyHash: number;
  phyOffset: number;
  timeDiff: number;
  prevIndex: number;
}

export function encodeIndexHeader(
  header: IndexHeader,
  target: Buffer = Buffer.alloc(INDEX_HEADER_SIZE),
  at = 0,
): Buffer {
  writeLong(target, at, header.beginTimestamp);
  writeLong(target, at + 8, header.endTimestamp);
  writeLong(target, at + 16, header.beginPhyOffset);
  writeLong(target, at + 24, header.endPhyOffset);
  target.writeInt32BE(header.hashSlotCount, at + 32);
  target.writeInt32BE(header.indexCount, at + 36);
  return target;
}

export function decodeIndexHeader(buf: Buffer, at = 0): IndexHeader {
  return {
    beginTimestamp: readLong(buf, at),
    endTimestamp: readLong(buf, at + 8),
    beginPhyOffset: readLong(buf, at + 16),
    endPhyOffset: readLong(buf, at + 24),
    hashSlotCount: buf.readInt32BE(at + 32),
    // A header never written reads 0: the first usable entry is still 1.
    indexCount: Math.max(1, buf.readInt32BE(at + 36)),
  };
}

export function writeIndexEntry(target: Buffer, at: number, entry: IndexEntry): void {
  target.writeInt32BE(entry.keyHash, at);
  writeLong(target, at + 4, entry.phyOffset);
  target.writeInt32BE(entry.timeDiff, at + 12);
  target.writeInt32BE(entry.prevIndex, at + 16);
}

export function readIndexEntry(buf: Buffer, at: number): IndexEntry {
  return {
    keyHash: buf.readInt32BE(at),
    phyOffset: readLong(buf, at + 4),
    timeDiff: buf.readInt32BE(at + 12),
    prevIndex: buf.readInt32BE(at + 16),
  };
}

export function indexKeyHash(key: string): number {
  const hash = javaStringHashCode(key);
  // Java Math.abs(Integer.MIN_VALUE) stays negative; upstream then uses 0.
  return hash === -2147483648 ? 0 : Math.abs(hash);
}

/** `topic#key`, the string whose hash is stored. */
export function buildIndexKey(topic: string, key: string): string {
  return `${topic}#${key}`;
}

export function indexFileSize(hashSlotNum: number, indexNum: number): number {
  return INDEX_HEADER_SIZE + hashSlotNum * INDEX_SLOT_SIZE + indexNum * INDEX_ENTRY_SIZE;
}

export function slotPosition(slot: number): number {
  return INDEX_HEADER_SIZE + slot * INDEX_SLOT_SIZE;
}

export function entryPosition(hashSlotNum: number, entryNo: number): number {
  return INDEX_HEADER_SIZE + hashSlotNum * INDEX_SLOT_SIZE + entryNo * INDEX_ENTRY_SIZE;
}

/** Index file name: creation time as yyyyMMddHHmmssSSS in local time (1.1). */
export function indexFileName(timestamp: number): string {
  const d = new Date(timestamp);
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  return (
    `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}` +
    `${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}${pad(d.getMilliseconds(), 3)}`
  );
}

/** Inverse of `indexFileName` (local time), or undefined for another name. */
export function indexFileNameToTime(name: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})$/.exec(name);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second, ms] = match.slice(1).map(Number);
  return new Date(year, month - 1, day, hour, minute, second, ms).getTime();
}
