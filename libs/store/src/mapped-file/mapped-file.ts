/**
 * One pre-sized data file (RocketMQ MappedFile, without mmap). Three positions, all file-relative:
 *   wrotePosition     bytes appended in memory (write blocks below)
 *   committedPosition bytes handed to the kernel with pwrite (survive a process crash)
 *   flushedPosition   bytes made durable with fdatasync (survive a machine crash)
 * Appends go into in-memory write blocks; `commit` writes them out, `flush` fdatasyncs. Committed blocks stay
 * cached (bounded by the owner's budget, see `evictBlocks`) so recent data is served without touching disk.
 * A block always starts where an append starts, so a record never straddles two blocks and `readCached`
 * returns views, not copies. Async fs on every runtime path; the *Sync methods are for startup and recovery.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { CreateMappedFileError, StoreError } from '../store-errors.js';

interface WriteBlock {
  /** File position of buf[0]. */
  readonly pos: number;
  readonly buf: Buffer;
  used: number;
}

const OPEN_FLAGS = fs.constants.O_RDWR | fs.constants.O_CREAT;

export class MappedFile {
  wrotePosition = 0;
  committedPosition = 0;
  flushedPosition = 0;
  private handle: FileHandle | null = null;
  private opening: Promise<FileHandle> | null = null;
  private blocks: WriteBlock[] = [];
  private refs = 0;
  private destroyed = false;
  private closeWhenIdle = false;
  /** Store time of the last record written here (CommitLog) or of the last entry's message (queues). */
  lastStoreTimestamp = 0;

  constructor(
    readonly fileName: string,
    readonly fileFromOffset: number,
    readonly fileSize: number,
    private readonly blockBytes: number,
    /** The file already exists at full size (loaded at startup). */
    private existsOnDisk: boolean,
  ) {}

  get isFull(): boolean {
    return this.wrotePosition >= this.fileSize;
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  get fileEndOffset(): number {
    return this.fileFromOffset + this.fileSize;
  }

  /** Bytes held by write blocks. */
  get cachedBytes(): number {
    let total = 0;
    for (const block of this.blocks) total += block.buf.length;
    return total;
  }

  /**
   * Reserves `length` bytes at the write position and returns where to encode them (a view that stays valid).
   * The caller has checked that the bytes fit in the file.
   */
  reserve(length: number): { buf: Buffer; offset: number } {
    const pos = this.wrotePosition;
    if (pos + length > this.fileSize) throw new StoreError(`append of ${length} bytes overflows ${this.fileName}`);
    let block = this.blocks.length > 0 ? this.blocks[this.blocks.length - 1] : undefined;
    if (block === undefined || block.pos + block.used !== pos || block.used + length > block.buf.length) {
      const capacity = Math.min(Math.max(this.blockBytes, length), this.fileSize - pos);
      block = { pos, buf: Buffer.allocUnsafeSlow(capacity), used: 0 };
      this.blocks.push(block);
    }
    const offset = block.used;
    block.used += length;
    this.wrotePosition = pos + length;
    return { buf: block.buf, offset };
  }

  appendBytes(data: Uint8Array): void {
    const { buf, offset } = this.reserve(data.length);
    buf.set(data, offset);
  }

  /** Declares the rest of the file used (after a blank record): nothing more is written to it. */
  markFull(): void {
    this.wrotePosition = this.fileSize;
  }

  /**
   * Writes [committedPosition, wrotePosition as of the call) to the file. Bytes between the last block and
   * the write position (the filler after a blank record) are already zeros on disk and are not written.
   * One caller at a time (the owner's single writer).
   */
  async commit(): Promise<void> {
    const target = this.wrotePosition;
    if (this.committedPosition >= target) return;
    const handle = await this.open();
    for (const block of this.blocks) {
      const blockEnd = Math.min(block.pos + block.used, target);
      const from = Math.max(block.pos, this.committedPosition);
      if (blockEnd <= from) continue;
      let done = from;
      while (done < blockEnd) {
        const { bytesWritten } = await handle.write(block.buf, done - block.pos, blockEnd - done, done);
        if (bytesWritten <= 0) throw new StoreError(`write to ${this.fileName} made no progress`);
        done += bytesWritten;
      }
      // Only whole appends become visible: blockEnd is always an append boundary.
      this.committedPosition = blockEnd;
    }
    this.committedPosition = target;
  }

  /** fdatasync if something committed is not yet durable; returns the flushed position. */
  async flush(): Promise<number> {
    const target = this.committedPosition;
    if (this.flushedPosition >= target) return this.flushedPosition;
    const handle = await this.open();
    await handle.datasync();
    if (target > this.flushedPosition) this.flushedPosition = target;
    return this.flushedPosition;
  }

  /** A view of [pos, pos+length) if one write block holds all of it and it was appended. */
  readCached(pos: number, length: number): Buffer | undefined {
    if (pos + length > this.wrotePosition) return undefined;
    // Blocks are few and recent reads hit the last ones: search from the end.
    for (let i = this.blocks.length - 1; i >= 0; i--) {
      const block = this.blocks[i];
      if (pos >= block.pos) {
        if (pos + length <= block.pos + block.used)
          return block.buf.subarray(pos - block.pos, pos - block.pos + length);
        return undefined;
      }
    }
    return undefined;
  }

  /**
   * A view from `pos` to the end of the write block holding it, capped at `maxLength` and at committed data:
   * what dispatch walks without copying. Undefined when `pos` is not cached.
   */
  readCachedFrom(pos: number, maxLength: number): Buffer | undefined {
    const limit = Math.min(this.committedPosition, pos + maxLength);
    for (let i = this.blocks.length - 1; i >= 0; i--) {
      const block = this.blocks[i];
      if (pos >= block.pos) {
        const end = Math.min(block.pos + block.used, limit);
        return end > pos ? block.buf.subarray(pos - block.pos, end - block.pos) : undefined;
      }
    }
    return undefined;
  }

  /** Copies [pos, pos+length) from write blocks when they hold all of it (possibly across blocks). */
  private copyFromBlocks(pos: number, length: number): Buffer | undefined {
    const out = Buffer.allocUnsafe(length);
    let at = pos;
    for (const block of this.blocks) {
      const blockEnd = block.pos + block.used;
      if (blockEnd <= at) continue;
      if (block.pos > at) return undefined;
      const take = Math.min(blockEnd, pos + length) - at;
      block.buf.copy(out, at - pos, at - block.pos, at - block.pos + take);
      at += take;
      if (at >= pos + length) return out;
    }
    return undefined;
  }

  /**
   * Bytes [pos, pos+length): a view when cached, else read from the file (committed data only). Returns
   * undefined when the range is not readable (not written yet, or the file was deleted).
   */
  async read(pos: number, length: number): Promise<Buffer | undefined> {
    if (length <= 0) return Buffer.alloc(0);
    const cached = this.readCached(pos, length);
    if (cached !== undefined) return cached;
    if (this.destroyed) return undefined;
    const committed = this.committedPosition;
    if (pos + length > committed) {
      if (pos + length > this.wrotePosition) return undefined;
      const copied = this.copyFromBlocks(pos, length);
      if (copied !== undefined || pos >= committed) return copied;
      // The head is on disk only (loaded at startup, or its block evicted), the tail in write blocks only.
      const head = await this.read(pos, committed - pos);
      const tail = this.copyFromBlocks(committed, pos + length - committed);
      if (head !== undefined && tail !== undefined) return Buffer.concat([head, tail]);
      // The tail got committed and evicted meanwhile: it is on disk now.
      return this.committedPosition >= pos + length ? this.read(pos, length) : undefined;
    }
    this.refs++;
    try {
      const handle = await this.open();
      const out = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(out, done, length - done, pos + done);
        if (bytesRead <= 0) return undefined;
        done += bytesRead;
      }
      return out;
    } finally {
      this.refs--;
      if (this.refs === 0 && this.closeWhenIdle) await this.closeHandle();
    }
  }

  /**
   * Drops committed write blocks, oldest first, so that the newest `keepBytes` stay (an uncommitted block is
   * never dropped); returns the bytes still cached.
   */
  evictBlocks(keepBytes: number): number {
    let kept = 0;
    let cut = 0;
    for (let i = this.blocks.length - 1; i >= 0; i--) {
      const block = this.blocks[i];
      if (block.pos + block.used <= this.committedPosition && kept + block.buf.length > keepBytes) {
        cut = i + 1;
        break;
      }
      kept += block.buf.length;
    }
    if (cut > 0) this.blocks = this.blocks.slice(cut);
    return kept;
  }

  private open(): Promise<FileHandle> {
    if (this.handle !== null) return Promise.resolve(this.handle);
    if (this.destroyed) return Promise.reject(new StoreError(`${this.fileName} was deleted`));
    this.opening ??= this.doOpen();
    return this.opening;
  }

  private async doOpen(): Promise<FileHandle> {
    let handle: FileHandle | undefined;
    try {
      if (!this.existsOnDisk) await fs.promises.mkdir(path.dirname(this.fileName), { recursive: true });
      handle = await fs.promises.open(this.fileName, OPEN_FLAGS, 0o644);
      if (!this.existsOnDisk) {
        // Sparse pre-sizing: the unwritten rest reads as zeros, which recovery treats as "end of data".
        const { size } = await handle.stat();
        if (size !== this.fileSize) await handle.truncate(this.fileSize);
        this.existsOnDisk = true;
      }
      this.handle = handle;
      return handle;
    } catch (error) {
      if (handle !== undefined) await handle.close();
      throw new CreateMappedFileError(`cannot open ${this.fileName}: ${(error as Error).message}`, { cause: error });
    } finally {
      this.opening = null;
    }
  }

  /** Opens (creating and sizing the file) ahead of the first write. */
  async ensureCreated(): Promise<void> {
    await this.open();
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    if (handle !== null) await handle.close();
  }

  /** Closes the file (shutdown). */
  async close(): Promise<void> {
    if (this.opening !== null) await this.opening.catch(() => undefined);
    await this.closeHandle();
  }

  /**
   * Deletes the file. A read in progress keeps its descriptor (the inode lives until closed) and closes it
   * when done; later reads answer undefined.
   */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    this.blocks = [];
    await fs.promises.rm(this.fileName, { force: true });
    if (this.refs === 0) await this.close();
    else this.closeWhenIdle = true;
  }

  /** Last modification time of the file (retention), or 0 when unknown. */
  async lastModifiedMs(): Promise<number> {
    try {
      return (await fs.promises.stat(this.fileName)).mtimeMs;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
  }

  // ---- startup / recovery (synchronous fs) ----

  /** Sets all three positions (recovery). Drops write blocks. */
  setPositions(position: number): void {
    this.wrotePosition = position;
    this.committedPosition = position;
    this.flushedPosition = position;
    this.blocks = [];
  }

  /**
   * Cuts the file at `position`: everything after it becomes zeros (shrink then re-extend, which punches a
   * hole instead of writing), so stale records past the cut can never be mistaken for data later.
   */
  truncateSync(position: number): void {
    if (this.existsOnDisk) {
      fs.truncateSync(this.fileName, position);
      fs.truncateSync(this.fileName, this.fileSize);
    }
    this.setPositions(position);
  }

  /** Reads [pos, pos+length) from disk with a private descriptor (recovery). */
  readSync(fd: number, target: Buffer, pos: number, length: number): number {
    let done = 0;
    while (done < length) {
      const n = fs.readSync(fd, target, done, length - done, pos + done);
      if (n <= 0) break;
      done += n;
    }
    return done;
  }

  deleteSync(): void {
    this.destroyed = true;
    this.blocks = [];
    fs.rmSync(this.fileName, { force: true });
  }
}
