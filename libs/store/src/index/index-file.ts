/**
 * One IndexFile (layout in index-file-format.ts). The writable (newest) file keeps its hash slots in memory
 * and its not yet written entries in a pending buffer; `flush` writes entries, then the dirty slot pages,
 * fdatasyncs, and only then writes the header. So on disk the header never counts more entries than are
 * written, and a slot may point past the header's count only to complete entries: `repairSlotsSync` walks
 * such slots back along their chains at load. Older files are read from disk.
 */
import * as fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { StoreCorruptionError } from '../store-errors.js';
import {
  decodeIndexHeader,
  encodeIndexHeader,
  entryPosition,
  INDEX_ENTRY_SIZE,
  INDEX_HEADER_SIZE,
  INDEX_SLOT_SIZE,
  type IndexHeader,
  indexFileSize,
  indexKeyHash,
  INVALID_INDEX,
  readIndexEntry,
  slotPosition,
  writeIndexEntry,
} from './index-file-format.js';

const PAGE = 4096;
const INT32_MAX = 0x7fffffff;
const OPEN_FLAGS = fs.constants.O_RDWR | fs.constants.O_CREAT;

export class IndexFile {
  header: IndexHeader;
  /** In-memory slots (writable file only). */
  private slots: Buffer | null = null;
  private dirtyPages: Uint8Array | null = null;
  private pending: Buffer = Buffer.alloc(0);
  /** Entry number held at pending[0]; entries below are on disk. */
  private pendingStart: number;
  private dirty = false;
  private handle: FileHandle | null = null;
  private existsOnDisk: boolean;
  private destroyed = false;
  private readers = 0;

  private constructor(
    readonly fileName: string,
    readonly hashSlotNum: number,
    readonly indexNum: number,
    header: IndexHeader,
    existsOnDisk: boolean,
  ) {
    this.header = header;
    this.existsOnDisk = existsOnDisk;
    this.pendingStart = header.indexCount;
  }

  get fileSize(): number {
    return indexFileSize(this.hashSlotNum, this.indexNum);
  }

  get isWriteFull(): boolean {
    return this.header.indexCount >= this.indexNum;
  }

  get isWritable(): boolean {
    return this.slots !== null;
  }

  get isDirty(): boolean {
    return this.dirty;
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  /** A new empty file whose begin/end are preset from the previous file's end (upstream does the same). */
  static create(
    fileName: string,
    hashSlotNum: number,
    indexNum: number,
    previous: { endPhyOffset: number; endTimestamp: number } | undefined,
  ): IndexFile {
    const header: IndexHeader = {
      beginTimestamp: previous?.endTimestamp ?? 0,
      endTimestamp: previous?.endTimestamp ?? 0,
      beginPhyOffset: previous?.endPhyOffset ?? 0,
      endPhyOffset: previous?.endPhyOffset ?? 0,
      hashSlotCount: 0,
      indexCount: 1,
    };
    const file = new IndexFile(fileName, hashSlotNum, indexNum, header, false);
    file.allocateSlots();
    file.dirty = true;
    return file;
  }

  /** Reads the header (and the slots when `writable`) of an existing file (startup). */
  static loadSync(fileName: string, hashSlotNum: number, indexNum: number, writable: boolean): IndexFile {
    const expected = indexFileSize(hashSlotNum, indexNum);
    const { size } = fs.statSync(fileName);
    if (size !== expected)
      throw new StoreCorruptionError(`${fileName} is ${size} bytes, expected ${expected} (index options changed?)`);
    const fd = fs.openSync(fileName, 'r');
    try {
      const head = Buffer.alloc(INDEX_HEADER_SIZE);
      fs.readSync(fd, head, 0, INDEX_HEADER_SIZE, 0);
      const file = new IndexFile(fileName, hashSlotNum, indexNum, decodeIndexHeader(head), true);
      if (writable) {
        file.allocateSlots();
        const slots = file.slots as Buffer;
        let done = 0;
        while (done < slots.length) {
          const n = fs.readSync(fd, slots, done, slots.length - done, INDEX_HEADER_SIZE + done);
          if (n <= 0) break;
          done += n;
        }
      }
      return file;
    } finally {
      fs.closeSync(fd);
    }
  }

  private allocateSlots(): void {
    this.slots = Buffer.alloc(this.hashSlotNum * INDEX_SLOT_SIZE);
    this.dirtyPages = new Uint8Array(Math.ceil(this.slots.length / PAGE));
  }

  private setSlot(slot: number, value: number): void {
    (this.slots as Buffer).writeInt32BE(value, slot * INDEX_SLOT_SIZE);
    (this.dirtyPages as Uint8Array)[Math.floor((slot * INDEX_SLOT_SIZE) / PAGE)] = 1;
  }

  /**
   * Adds `key` (already `topic#key`) for the record at `phyOffset`. Returns false when the file is full (the
   * caller rolls to a new file). Writable files only.
   */
  putKey(key: string, phyOffset: number, storeTimestamp: number): boolean {
    const slots = this.slots;
    if (slots === null) throw new StoreCorruptionError(`${this.fileName} is not writable`);
    const header = this.header;
    if (header.indexCount >= this.indexNum) return false;
    const keyHash = indexKeyHash(key);
    const slot = keyHash % this.hashSlotNum;
    let slotValue = slots.readInt32BE(slot * INDEX_SLOT_SIZE);
    if (slotValue <= INVALID_INDEX || slotValue > header.indexCount) slotValue = INVALID_INDEX;
    if (header.indexCount <= 1) {
      // First entry: begin at it, so timeDiff of every entry is relative to a real record time.
      header.beginPhyOffset = phyOffset;
      header.beginTimestamp = storeTimestamp;
    }
    let timeDiff = Math.floor((storeTimestamp - header.beginTimestamp) / 1000);
    if (header.beginTimestamp <= 0 || timeDiff < 0) timeDiff = 0;
    else if (timeDiff > INT32_MAX) timeDiff = INT32_MAX;
    const entryNo = header.indexCount;
    const at = (entryNo - this.pendingStart) * INDEX_ENTRY_SIZE;
    if (at + INDEX_ENTRY_SIZE > this.pending.length) {
      const grown = Buffer.alloc(Math.max(4096, this.pending.length * 2));
      this.pending.copy(grown, 0, 0, at);
      this.pending = grown;
    }
    writeIndexEntry(this.pending, at, { keyHash, phyOffset, timeDiff, prevIndex: slotValue });
    this.setSlot(slot, entryNo);
    if (slotValue === INVALID_INDEX) header.hashSlotCount++;
    header.indexCount++;
    header.endPhyOffset = phyOffset;
    header.endTimestamp = storeTimestamp;
    this.dirty = true;
    return true;
  }

  /** Upstream's overlap test between [begin, end] and the file's time range. */
  isTimeMatched(begin: number, end: number): boolean {
    const { beginTimestamp, endTimestamp } = this.header;
    return (
      (begin < beginTimestamp && end > endTimestamp) ||
      (begin >= beginTimestamp && begin <= endTimestamp) ||
      (end >= beginTimestamp && end <= endTimestamp)
    );
  }

  /**
   * Appends to `out` the phyOffsets of entries whose keyHash equals that of `key` and whose time lies in
   * [begin, end], newest first, until `out` holds `maxNum`. Collisions are not filtered (1.5).
   */
  async selectPhyOffsets(out: number[], key: string, maxNum: number, begin: number, end: number): Promise<void> {
    if (this.destroyed) return;
    this.readers++;
    try {
      const keyHash = indexKeyHash(key);
      const slot = keyHash % this.hashSlotNum;
      const indexCount = this.header.indexCount;
      const slotValue = await this.readSlot(slot);
      if (slotValue === undefined || slotValue <= INVALID_INDEX || slotValue > indexCount || indexCount <= 1) return;
      let next = slotValue;
      while (out.length < maxNum) {
        const entry = await this.readEntry(next);
        if (entry === undefined || entry.timeDiff < 0) break;
        const timeRead = this.header.beginTimestamp + entry.timeDiff * 1000;
        if (entry.keyHash === keyHash && timeRead >= begin && timeRead <= end) out.push(entry.phyOffset);
        const prev = entry.prevIndex;
        if (prev <= INVALID_INDEX || prev > indexCount || prev === next || timeRead < begin) break;
        next = prev;
      }
    } finally {
      this.readers--;
      if (this.readers === 0 && this.destroyed) await this.closeHandle();
    }
  }

  private async readSlot(slot: number): Promise<number | undefined> {
    if (this.slots !== null) return this.slots.readInt32BE(slot * INDEX_SLOT_SIZE);
    const buf = await this.readDisk(slotPosition(slot), INDEX_SLOT_SIZE);
    return buf?.readInt32BE(0);
  }

  private async readEntry(entryNo: number): Promise<ReturnType<typeof readIndexEntry> | undefined> {
    if (entryNo >= this.pendingStart) {
      const at = (entryNo - this.pendingStart) * INDEX_ENTRY_SIZE;
      if (entryNo >= this.header.indexCount) return undefined;
      return readIndexEntry(this.pending, at);
    }
    const buf = await this.readDisk(entryPosition(this.hashSlotNum, entryNo), INDEX_ENTRY_SIZE);
    return buf === undefined ? undefined : readIndexEntry(buf, 0);
  }

  private async readDisk(pos: number, length: number): Promise<Buffer | undefined> {
    if (!this.existsOnDisk || this.destroyed) return undefined;
    const handle = await this.open();
    const buf = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buf, 0, length, pos);
    return bytesRead === length ? buf : undefined;
  }

  private async open(): Promise<FileHandle> {
    if (this.handle !== null) return this.handle;
    const handle = await fs.promises.open(this.fileName, OPEN_FLAGS, 0o644);
    if (this.handle !== null) {
      await handle.close();
      return this.handle;
    }
    if (!this.existsOnDisk) {
      const { size } = await handle.stat();
      if (size !== this.fileSize) await handle.truncate(this.fileSize);
      this.existsOnDisk = true;
    }
    this.handle = handle;
    return handle;
  }

  /**
   * Writes pending entries and dirty slot pages, fdatasyncs, then writes and syncs the header. Everything is
   * snapshotted synchronously first, so keys added meanwhile wait for the next flush.
   */
  async flush(): Promise<void> {
    if (!this.dirty || this.destroyed) return;
    this.dirty = false;
    const count = this.header.indexCount;
    const entryBytes = (count - this.pendingStart) * INDEX_ENTRY_SIZE;
    const entries = this.pending.subarray(0, entryBytes);
    const entriesPos = entryPosition(this.hashSlotNum, this.pendingStart);
    const slotWrites: { pos: number; bytes: Buffer }[] = [];
    const slots = this.slots;
    const dirtyPages = this.dirtyPages;
    if (slots !== null && dirtyPages !== null) {
      for (let page = 0; page < dirtyPages.length; page++) {
        if (dirtyPages[page] === 0) continue;
        let last = page;
        while (last + 1 < dirtyPages.length && dirtyPages[last + 1] !== 0) last++;
        const from = page * PAGE;
        const to = Math.min((last + 1) * PAGE, slots.length);
        slotWrites.push({ pos: INDEX_HEADER_SIZE + from, bytes: Buffer.from(slots.subarray(from, to)) });
        dirtyPages.fill(0, page, last + 1);
        page = last;
      }
    }
    const header = encodeIndexHeader(this.header);
    const handle = await this.open();
    if (entries.length > 0) await writeFully(handle, entries, entriesPos);
    for (const write of slotWrites) await writeFully(handle, write.bytes, write.pos);
    await handle.datasync();
    await writeFully(handle, header, 0);
    await handle.datasync();
    // Entries up to `count` are on disk now; keep only those added during the flush.
    const restEnd = (this.header.indexCount - this.pendingStart) * INDEX_ENTRY_SIZE;
    this.pending = Buffer.from(this.pending.subarray(entryBytes, restEnd));
    this.pendingStart = count;
  }

  /** Drops the in-memory slots of a full, flushed file: later queries read them from disk. */
  makeReadOnly(): void {
    if (this.dirty || !this.isWriteFull) return;
    this.slots = null;
    this.dirtyPages = null;
  }

  // ---- startup / recovery ----

  private readEntrySync(fd: number, entryNo: number): ReturnType<typeof readIndexEntry> | undefined {
    const buf = Buffer.alloc(INDEX_ENTRY_SIZE);
    const n = fs.readSync(fd, buf, 0, INDEX_ENTRY_SIZE, entryPosition(this.hashSlotNum, entryNo));
    return n === INDEX_ENTRY_SIZE ? readIndexEntry(buf, 0) : undefined;
  }

  /**
   * Points every slot that refers to an entry at or beyond `limit` back along its chain to the newest entry
   * below `limit` (entries beyond the header count come from a flush cut short by a crash, or were cut with
   * the CommitLog). Recounts hashSlotCount. Marks changed pages dirty so the next flush rewrites them.
   */
  rollbackSlotsSync(limit: number): number {
    const slots = this.slots;
    if (slots === null) throw new StoreCorruptionError(`${this.fileName} is not writable`);
    let changed = 0;
    let used = 0;
    const fd = fs.openSync(this.fileName, 'r');
    try {
      for (let slot = 0; slot < this.hashSlotNum; slot++) {
        let value = slots.readInt32BE(slot * INDEX_SLOT_SIZE);
        if (value >= limit || value < 0) {
          let guard = 0;
          while (value >= limit && guard++ < this.indexNum) {
            const entry = value < this.indexNum ? this.readEntrySync(fd, value) : undefined;
            const prev = entry === undefined ? INVALID_INDEX : entry.prevIndex;
            value = prev >= 0 && prev < value ? prev : INVALID_INDEX;
          }
          if (value < 0 || value >= limit) value = INVALID_INDEX;
          this.setSlot(slot, value);
          changed++;
        }
        if (value > INVALID_INDEX) used++;
      }
    } finally {
      fs.closeSync(fd);
    }
    this.header.hashSlotCount = used;
    if (changed > 0) this.dirty = true;
    return changed;
  }

  /** Slots pointing past the header's count after a crash (see class comment). */
  repairSync(): number {
    return this.rollbackSlotsSync(this.header.indexCount);
  }

  /**
   * Removes the entries whose record starts at or after `phyOffset` (the CommitLog was cut there). Entries are
   * in CommitLog order, so a binary search finds the first one to drop. Writable files only.
   */
  truncateSync(phyOffset: number): void {
    if (this.header.indexCount <= 1 || this.header.endPhyOffset < phyOffset) return;
    const fd = fs.openSync(this.fileName, 'r');
    let keep: number;
    let last: ReturnType<typeof readIndexEntry> | undefined;
    try {
      let low = 1;
      let high = this.header.indexCount;
      while (low < high) {
        const mid = Math.floor((low + high) / 2);
        const entry = this.readEntrySync(fd, mid);
        if (entry === undefined || entry.phyOffset >= phyOffset) high = mid;
        else low = mid + 1;
      }
      keep = low;
      last = keep > 1 ? this.readEntrySync(fd, keep - 1) : undefined;
    } finally {
      fs.closeSync(fd);
    }
    this.header.indexCount = keep;
    this.pendingStart = keep;
    this.pending = Buffer.alloc(0);
    if (last !== undefined) {
      this.header.endPhyOffset = last.phyOffset;
      // Seconds resolution: round up so the file still overlaps queries for its last second.
      this.header.endTimestamp = this.header.beginTimestamp + last.timeDiff * 1000 + 999;
    } else {
      this.header.endPhyOffset = this.header.beginPhyOffset;
      this.header.endTimestamp = this.header.beginTimestamp;
    }
    this.rollbackSlotsSync(keep);
    this.dirty = true;
  }

  /**
   * Recovery: writes the slot pages and header changed by `repairSync`/`truncateSync` at once, so a second
   * crash cannot bring back entries that were cut. Nothing is pending after those calls.
   */
  flushRecoveredSync(): void {
    const slots = this.slots;
    const dirtyPages = this.dirtyPages;
    if (!this.dirty || !this.existsOnDisk || slots === null || dirtyPages === null) return;
    const fd = fs.openSync(this.fileName, 'r+');
    try {
      for (let page = 0; page < dirtyPages.length; page++) {
        if (dirtyPages[page] === 0) continue;
        const from = page * PAGE;
        const to = Math.min(from + PAGE, slots.length);
        fs.writeSync(fd, slots, from, to - from, INDEX_HEADER_SIZE + from);
      }
      dirtyPages.fill(0);
      fs.fdatasyncSync(fd);
      fs.writeSync(fd, encodeIndexHeader(this.header), 0, INDEX_HEADER_SIZE, 0);
      fs.fdatasyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    this.dirty = this.pendingStart < this.header.indexCount;
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    if (handle !== null) await handle.close();
  }

  async close(): Promise<void> {
    await this.closeHandle();
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    this.slots = null;
    this.dirtyPages = null;
    await fs.promises.rm(this.fileName, { force: true });
    if (this.readers === 0) await this.closeHandle();
  }

  deleteSync(): void {
    this.destroyed = true;
    fs.rmSync(this.fileName, { force: true });
  }
}

async function writeFully(handle: FileHandle, bytes: Buffer, pos: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, pos + done);
    done += bytesWritten;
  }
}
