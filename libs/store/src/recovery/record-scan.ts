/**
 * Sequential scan of CommitLog segments at startup (synchronous reads, large chunks). Validation is the
 * codec's `checkStoredRecord` (magic, lengths, body CRC) plus two checks of our own that catch what those
 * miss:
 *  - PHYSICALOFFSET must equal the record's position: stale bytes past an earlier cut, or a record moved,
 *    never pass;
 *  - torn tail: a kill -9 during pwrite() stops at a page boundary, leaving zeros after it. Zeros in the body
 *    fail the CRC and zeros in a length field fail the length sum, but zeros in the topic or at the end of the
 *    properties do not: topics never contain NUL, and stored properties never end with one (the put path
 *    refuses such a string).
 */
import * as fs from 'node:fs';
import {
  MESSAGE_MAGIC_CODE_V1,
  MESSAGE_MAGIC_CODE_V2,
  type StoredRecordMessage,
  checkStoredRecord,
} from '@rocketnest/protocol';
import type { MappedFile } from '../mapped-file/mapped-file.js';

const CHUNK_BYTES = 16 * 1024 * 1024;

export type ScanStop =
  { kind: 'end' } | { kind: 'invalid'; reason: string } | { kind: 'blank-last-file' } | { kind: 'limit' };

export interface ScanResult {
  /** Offset after the last valid record (start of the next file after a blank with a successor). */
  endOffset: number;
  stop: ScanStop;
  /** Store time of the last valid record seen (0 when none). */
  lastStoreTimestamp: number;
  records: number;
}

/** Why the record at `position` is not acceptable beyond the codec's checks, or undefined. */
export function extraRecordProblem(record: StoredRecordMessage, position: number): string | undefined {
  if (record.physicalOffset !== position)
    return `PHYSICALOFFSET ${record.physicalOffset} does not match the record position ${position}`;
  if (record.topic.length === 0 || record.topic.includes('\u0000'))
    return 'topic is empty or holds NUL bytes (torn write)';
  if (record.properties.endsWith('\u0000')) return 'properties end with NUL bytes (torn write)';
  return undefined;
}

/**
 * Structure-only check used far behind the checkpoint (data fdatasynced long ago): magic, a size that fits,
 * and PHYSICALOFFSET equal to the position. Returns the record size, or 0 to fall back to the full check.
 */
function lightCheck(reader: ChunkReader, file: MappedFile, pos: number): number {
  const held = reader.ensure(pos, Math.min(36, file.fileSize - pos));
  if (held < 36) return 0;
  const at = pos - reader.start;
  const buf = reader.buffer;
  const magic = buf.readInt32BE(at + 4);
  if (magic !== MESSAGE_MAGIC_CODE_V1 && magic !== MESSAGE_MAGIC_CODE_V2) return 0;
  const size = buf.readInt32BE(at);
  if (size < 36 || pos + size > file.fileSize) return 0;
  const physicalOffset = buf.readInt32BE(at + 28) * 4294967296 + buf.readUInt32BE(at + 32);
  return physicalOffset === file.fileFromOffset + pos ? size : 0;
}

type FileOutcome = { kind: 'next-file' } | { kind: 'stop'; endOffset: number; stop: ScanStop };

class ChunkReader {
  buffer: Buffer;
  /** File position of buffer[0] and bytes held. */
  start = 0;
  length = 0;

  constructor(
    private readonly fd: number,
    private readonly file: MappedFile,
    initial: Buffer,
  ) {
    this.buffer = initial;
  }

  /** Bytes held from file position `pos`, reading a new chunk (of at least `atLeast`) when fewer are held. */
  ensure(pos: number, atLeast: number): number {
    const held = this.start + this.length - pos;
    if (pos >= this.start && held >= atLeast) return held;
    if (this.buffer.length < atLeast) this.buffer = Buffer.allocUnsafe(atLeast);
    this.start = pos;
    this.length = this.file.readSync(this.fd, this.buffer, pos, Math.min(this.buffer.length, this.file.fileSize - pos));
    return this.length;
  }
}

function scanFile(
  reader: ChunkReader,
  file: MappedFile,
  from: number,
  isLastFile: boolean,
  options: { checkCrc: boolean; limit: number; lightBefore: number },
  result: ScanResult,
  onRecord: ((record: StoredRecordMessage, offset: number) => void) | undefined,
): FileOutcome {
  const checkOptions = { checkCrc: options.checkCrc };
  let pos = from;
  while (pos < file.fileSize) {
    const offset = file.fileFromOffset + pos;
    if (offset >= options.limit) return { kind: 'stop', endOffset: offset, stop: { kind: 'limit' } };
    if (offset < options.lightBefore && onRecord === undefined) {
      const size = lightCheck(reader, file, pos);
      if (size > 0) {
        result.records++;
        pos += size;
        continue;
      }
    }
    let available = reader.ensure(pos, Math.min(8, file.fileSize - pos));
    if (available >= 8) {
      const size = reader.buffer.readInt32BE(pos - reader.start);
      const magic = reader.buffer.readInt32BE(pos - reader.start + 4);
      if ((magic === MESSAGE_MAGIC_CODE_V1 || magic === MESSAGE_MAGIC_CODE_V2) && size > available)
        if (pos + size <= file.fileSize) available = reader.ensure(pos, size);
    }
    const check = checkStoredRecord(reader.buffer, pos - reader.start, available, checkOptions);
    if (check.kind === 'message') {
      const problem = extraRecordProblem(check, offset);
      if (problem !== undefined) return { kind: 'stop', endOffset: offset, stop: { kind: 'invalid', reason: problem } };
      onRecord?.(check, offset);
      result.records++;
      result.lastStoreTimestamp = check.storeTimestamp;
      pos += check.size;
      continue;
    }
    if (check.kind === 'blank') {
      if (isLastFile) return { kind: 'stop', endOffset: offset, stop: { kind: 'blank-last-file' } };
      return { kind: 'next-file' };
    }
    return {
      kind: 'stop',
      endOffset: offset,
      stop: check.kind === 'end' ? { kind: 'end' } : { kind: 'invalid', reason: check.reason },
    };
  }
  // A file always ends with a blank record; running off its end means nothing valid follows.
  return { kind: 'stop', endOffset: file.fileFromOffset + pos, stop: { kind: 'end' } };
}

/**
 * Walks valid records from `from` (a record boundary) through the files, calling `onRecord` for each, until
 * the first invalid or empty position, or `limit`. Without `onRecord`, records before `lightBefore` get only
 * the structural check (a full check takes over where that fails). A blank record continues in the next file; a blank in the
 * last file ends the scan at the blank (the next append rewrites it).
 */
export function scanCommitLogSync(
  files: readonly MappedFile[],
  from: number,
  options: { checkCrc: boolean; limit?: number; lightBefore?: number },
  onRecord?: (record: StoredRecordMessage, offset: number) => void,
): ScanResult {
  const result: ScanResult = { endOffset: from, stop: { kind: 'end' }, lastStoreTimestamp: 0, records: 0 };
  if (files.length === 0) return result;
  const fileSize = files[0].fileSize;
  let index = Math.floor(from / fileSize) - Math.floor(files[0].fileFromOffset / fileSize);
  if (index < 0 || index >= files.length) return result;
  const scanOptions = {
    checkCrc: options.checkCrc,
    limit: options.limit ?? Number.MAX_SAFE_INTEGER,
    lightBefore: options.lightBefore ?? 0,
  };
  const initial = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, fileSize));
  let pos = from - files[index].fileFromOffset;
  for (;;) {
    const file = files[index];
    const fd = fs.openSync(file.fileName, 'r');
    let outcome: FileOutcome;
    try {
      const reader = new ChunkReader(fd, file, initial);
      outcome = scanFile(reader, file, pos, index === files.length - 1, scanOptions, result, onRecord);
    } finally {
      fs.closeSync(fd);
    }
    if (outcome.kind === 'stop') {
      result.endOffset = outcome.endOffset;
      result.stop = outcome.stop;
      return result;
    }
    index++;
    pos = 0;
    result.endOffset = files[index].fileFromOffset;
  }
}
