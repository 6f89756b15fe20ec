/**
 * One (topic, queueId) ConsumeQueue (broker-semantics.md 1.3): fixed 20-byte entries in files of
 * `entriesPerFile` entries, under consumequeue/<topic>/<queueId>/, each file named by its start byte offset.
 * Entries are appended by dispatch (in memory, visible at once), written and fdatasynced by the logic flush
 * service; the newest blocks stay cached for pulls.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '@rocketnest/protocol';
import { MappedFileQueue } from '../mapped-file/mapped-file-queue.js';
import {
  CQ_BLANK_SIZE,
  CQ_STORE_UNIT_SIZE,
  type ConsumeQueueEntry,
  isValidConsumeQueueEntry,
  readConsumeQueueEntry,
  writeConsumeQueueEntry,
} from './consume-queue-entry.js';

export interface ConsumeQueueOptions {
  readonly rootDir: string;
  readonly entriesPerFile: number;
  readonly cacheBlockEntries: number;
  readonly logger: Logger;
}

/** Entries read from one file: `buffer` holds `count` entries starting at queue offset `startOffset`. */
export interface ConsumeQueueSlice {
  readonly buffer: Buffer;
  readonly startOffset: number;
  readonly count: number;
}

const scratch = Buffer.alloc(CQ_STORE_UNIT_SIZE);

export class ConsumeQueue {
  private readonly queue: MappedFileQueue;
  /** End (offset + size) of the CommitLog record of the last entry; -1 when empty. */
  maxPhysicOffset = -1;
  /** Byte offset of the first usable entry (after retention or a queue that started mid-file). */
  minLogicOffset = 0;
  /** Entries that arrived out of order (a gap was filled with blanks); must stay 0. */
  orderErrors = 0;

  constructor(
    readonly topic: string,
    readonly queueId: number,
    private readonly options: ConsumeQueueOptions,
  ) {
    this.queue = new MappedFileQueue({
      storePath: path.join(options.rootDir, topic, String(queueId)),
      fileSize: options.entriesPerFile * CQ_STORE_UNIT_SIZE,
      blockBytes: options.cacheBlockEntries * CQ_STORE_UNIT_SIZE,
      cacheBytes: options.cacheBlockEntries * CQ_STORE_UNIT_SIZE * 2,
      logger: options.logger,
    });
  }

  get fileQueue(): MappedFileQueue {
    return this.queue;
  }

  /** Next queue offset to be written (= number of entries, counting those deleted by retention). */
  get maxOffsetInQueue(): number {
    return this.queue.maxOffset / CQ_STORE_UNIT_SIZE;
  }

  get minOffsetInQueue(): number {
    return this.minLogicOffset / CQ_STORE_UNIT_SIZE;
  }

  /** Offset of the first entry of the file after the one holding `offset` (OFFSET_FOUND_NULL answer). */
  rollNextFile(offset: number): number {
    const perFile = this.options.entriesPerFile;
    return offset + perFile - (offset % perFile);
  }

  // ---- startup / recovery ----

  loadSync(): boolean {
    return this.queue.loadSync();
  }

  /**
   * Finds the end of valid entries and cuts there. Entries are written in order, so valid entries form a
   * prefix of each file and earlier files are full: a binary search over the last non-empty file suffices
   * (reads a few entries instead of the whole file). Sets maxPhysicOffset from the last valid entry.
   */
  recoverSync(): void {
    const files = this.queue.mappedFiles;
    for (let i = files.length - 1; i >= 0; i--) {
      const file = files[i];
      const valid = this.validEntriesSync(file.fileName, file.fileSize) * CQ_STORE_UNIT_SIZE;
      if (valid === 0 && i > 0) continue;
      const end = file.fileFromOffset + valid;
      this.queue.truncateDirtyFilesSync(end);
      this.queue.setProcessOffset(end);
      this.recomputeMaxPhysicOffsetSync();
      return;
    }
  }

  private validEntriesSync(fileName: string, fileSize: number): number {
    const fd = fs.openSync(fileName, 'r');
    try {
      const isValid = (index: number): boolean =>
        fs.readSync(fd, scratch, 0, CQ_STORE_UNIT_SIZE, index * CQ_STORE_UNIT_SIZE) === CQ_STORE_UNIT_SIZE &&
        isValidConsumeQueueEntry(scratch, 0);
      let low = 0;
      let high = fileSize / CQ_STORE_UNIT_SIZE;
      while (low < high) {
        const mid = Math.floor((low + high) / 2);
        if (isValid(mid)) low = mid + 1;
        else high = mid;
      }
      return low;
    } finally {
      fs.closeSync(fd);
    }
  }

  /** The last entry (recovery checks it against the CommitLog: a torn write may have cut its tail). */
  lastEntrySync(): { offset: number; entry: ConsumeQueueEntry } | undefined {
    const max = this.maxOffsetInQueue;
    if (max <= this.minOffsetInQueue) return undefined;
    const file = this.queue.findMappedFileByOffset((max - 1) * CQ_STORE_UNIT_SIZE);
    if (file === undefined) return undefined;
    const pos = (max - 1) * CQ_STORE_UNIT_SIZE - file.fileFromOffset;
    const cached = file.readCached(pos, CQ_STORE_UNIT_SIZE);
    if (cached !== undefined) return { offset: max - 1, entry: readConsumeQueueEntry(cached, 0) };
    const fd = fs.openSync(file.fileName, 'r');
    try {
      if (file.readSync(fd, scratch, pos, CQ_STORE_UNIT_SIZE) < CQ_STORE_UNIT_SIZE) return undefined;
    } finally {
      fs.closeSync(fd);
    }
    return { offset: max - 1, entry: readConsumeQueueEntry(scratch, 0) };
  }

  /** Removes the entries from queue offset `offset` on (recovery). */
  truncateToOffsetSync(offset: number): void {
    this.queue.truncateDirtyFilesSync(offset * CQ_STORE_UNIT_SIZE);
    this.recomputeMaxPhysicOffsetSync();
  }

  /**
   * Drops entries pointing at or past `phyOffset` (CommitLog end after recovery): "dirty" entries of records
   * that were cut off.
   */
  truncateDirtyLogicFilesSync(phyOffset: number): void {
    if (this.maxPhysicOffset < 0 || this.maxPhysicOffset <= phyOffset) return;
    let low = this.minOffsetInQueue;
    let high = this.maxOffsetInQueue;
    // Entries are in CommitLog order: find the first one whose record ends past phyOffset.
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      const entry = this.readEntrySync(mid);
      if (entry !== undefined && entry.size !== CQ_BLANK_SIZE && entry.commitLogOffset + entry.size > phyOffset)
        high = mid;
      else low = mid + 1;
    }
    this.truncateToOffsetSync(low);
  }

  private recomputeMaxPhysicOffsetSync(): void {
    this.maxPhysicOffset = -1;
    for (let offset = this.maxOffsetInQueue - 1; offset >= this.minOffsetInQueue; offset--) {
      const entry = this.readEntrySync(offset);
      if (entry === undefined) break;
      if (entry.size !== CQ_BLANK_SIZE) {
        this.maxPhysicOffset = entry.commitLogOffset + entry.size;
        break;
      }
    }
  }

  readEntrySync(offset: number): ConsumeQueueEntry | undefined {
    const file = this.queue.findMappedFileByOffset(offset * CQ_STORE_UNIT_SIZE);
    if (file === undefined) return undefined;
    const pos = offset * CQ_STORE_UNIT_SIZE - file.fileFromOffset;
    if (pos + CQ_STORE_UNIT_SIZE > file.wrotePosition) return undefined;
    const cached = file.readCached(pos, CQ_STORE_UNIT_SIZE);
    if (cached !== undefined) return readConsumeQueueEntry(cached, 0);
    const fd = fs.openSync(file.fileName, 'r');
    try {
      if (file.readSync(fd, scratch, pos, CQ_STORE_UNIT_SIZE) < CQ_STORE_UNIT_SIZE) return undefined;
    } finally {
      fs.closeSync(fd);
    }
    return readConsumeQueueEntry(scratch, 0);
  }

  /** Deletes every file (all CommitLog data gone). */
  destroySync(): void {
    this.queue.destroyAllSync();
    this.maxPhysicOffset = -1;
    this.minLogicOffset = 0;
  }

  // ---- dispatch ----

  /**
   * Appends the entry of the record at `phyOffset` whose QUEUEOFFSET is `queueOffset` (1.3 "writing an entry").
   * Re-dispatch is idempotent: an entry whose record is not beyond maxPhysicOffset, or whose slot is already
   * written, is ignored. Returns whether it was appended.
   */
  putMessagePositionInfo(phyOffset: number, size: number, tagsCode: number, queueOffset: number): boolean {
    if (phyOffset + size <= this.maxPhysicOffset) return false;
    const expected = queueOffset * CQ_STORE_UNIT_SIZE;
    let current = this.queue.maxOffset;
    if (this.queue.lastMappedFile === undefined && expected !== 0) {
      // The queue starts mid-way (its old files are gone): pad the first file up to the expected slot.
      const file = this.queue.getLastMappedFileForAppend(expected);
      this.queue.setProcessOffset(file.fileFromOffset);
      this.fillBlanks(file.fileFromOffset, expected);
      this.minLogicOffset = expected;
      current = expected;
    }
    if (expected < current) return false;
    if (expected > current) {
      this.orderErrors++;
      this.options.logger.error('[BUG] consume queue gap: filling with blank entries', {
        topic: this.topic,
        queueId: this.queueId,
        expectedOffset: queueOffset,
        currentOffset: current / CQ_STORE_UNIT_SIZE,
      });
      this.fillBlanks(current, expected);
    }
    const file = this.queue.getLastMappedFileForAppend(expected);
    const { buf, offset } = file.reserve(CQ_STORE_UNIT_SIZE);
    writeConsumeQueueEntry(buf, offset, phyOffset, size, tagsCode);
    this.maxPhysicOffset = phyOffset + size;
    return true;
  }

  private fillBlanks(from: number, to: number): void {
    for (let at = from; at < to; at += CQ_STORE_UNIT_SIZE) {
      const file = this.queue.getLastMappedFileForAppend(at);
      const { buf, offset } = file.reserve(CQ_STORE_UNIT_SIZE);
      writeConsumeQueueEntry(buf, offset, 0, CQ_BLANK_SIZE, 0);
    }
  }

  // ---- reads ----

  /**
   * Entries from queue offset `offset` to the end of the file holding it (a pull never crosses a CQ file),
   * at most `maxEntries`. Undefined when the file is gone or the offset is not written.
   */
  async getEntries(offset: number, maxEntries: number): Promise<ConsumeQueueSlice | undefined> {
    const bytePos = offset * CQ_STORE_UNIT_SIZE;
    const file = this.queue.findMappedFileByOffset(bytePos);
    if (file === undefined) return undefined;
    const pos = bytePos - file.fileFromOffset;
    const available = Math.floor((file.wrotePosition - pos) / CQ_STORE_UNIT_SIZE);
    const count = Math.min(available, maxEntries);
    if (count <= 0) return undefined;
    const buffer = await file.read(pos, count * CQ_STORE_UNIT_SIZE);
    if (buffer === undefined) return undefined;
    return { buffer, startOffset: offset, count };
  }

  async readEntry(offset: number): Promise<ConsumeQueueEntry | undefined> {
    if (offset < this.minOffsetInQueue || offset >= this.maxOffsetInQueue) return undefined;
    const slice = await this.getEntries(offset, 1);
    return slice === undefined ? undefined : readConsumeQueueEntry(slice.buffer, 0);
  }

  // ---- flush and retention ----

  /** Writes appended entries to the kernel. */
  async commit(): Promise<void> {
    await this.queue.commit();
  }

  async flush(leastPages: number): Promise<void> {
    await this.queue.commit();
    await this.queue.flush(leastPages);
  }

  /**
   * Deletes files (never the last) whose last entry points below the CommitLog min offset (1.9); returns how
   * many went.
   */
  async deleteExpiredFiles(commitLogMinOffset: number): Promise<number> {
    let deleted = 0;
    const files = this.queue.mappedFiles;
    for (let i = 0; i < files.length - 1; i++) {
      const file = files[i];
      if (file.isDestroyed) continue;
      const last = await file.read(file.fileSize - CQ_STORE_UNIT_SIZE, CQ_STORE_UNIT_SIZE);
      if (last === undefined) break;
      const entry = readConsumeQueueEntry(last, 0);
      if (entry.size === CQ_BLANK_SIZE || entry.commitLogOffset + entry.size > commitLogMinOffset) break;
      await file.destroy();
      deleted++;
    }
    if (deleted > 0) this.queue.removeDestroyedHead();
    return deleted;
  }

  /**
   * minLogicOffset = first entry whose record starts at or after the CommitLog min offset ("correctMinOffset"),
   * never below the first remaining file.
   */
  async correctMinOffset(commitLogMinOffset: number): Promise<void> {
    const first = this.queue.firstMappedFile;
    if (first === undefined) return;
    let low = Math.max(this.minLogicOffset, first.fileFromOffset) / CQ_STORE_UNIT_SIZE;
    let high = this.maxOffsetInQueue;
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      const entry = await this.readEntryUnchecked(mid);
      if (entry === undefined) break;
      if (entry.size !== CQ_BLANK_SIZE && entry.commitLogOffset >= commitLogMinOffset) high = mid;
      else low = mid + 1;
    }
    this.minLogicOffset = low * CQ_STORE_UNIT_SIZE;
  }

  private async readEntryUnchecked(offset: number): Promise<ConsumeQueueEntry | undefined> {
    const slice = await this.getEntries(offset, 1);
    return slice === undefined ? undefined : readConsumeQueueEntry(slice.buffer, 0);
  }

  /** Sets minLogicOffset at startup: at least the first file's start. */
  setMinLogicOffsetAtLeastFirstFile(): void {
    const first = this.queue.firstMappedFile;
    if (first !== undefined && this.minLogicOffset < first.fileFromOffset) this.minLogicOffset = first.fileFromOffset;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
