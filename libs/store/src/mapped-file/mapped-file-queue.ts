/**
 * A directory of equally sized MappedFiles forming one logical log (RocketMQ MappedFileQueue): file N+1 starts
 * exactly `fileSize` after file N, each named by its 20-digit start offset. Used by the CommitLog (offsets in
 * bytes of the global log) and by each ConsumeQueue (offsets in bytes of the queue).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '@rocketnest/protocol';
import { StoreCorruptionError } from '../store-errors.js';
import { fileNameToOffset, offsetToFileName } from './file-name.js';
import { MappedFile } from './mapped-file.js';

const OS_PAGE_SIZE = 4096;

export interface MappedFileQueueOptions {
  readonly storePath: string;
  readonly fileSize: number;
  /** Write block size (see MappedFile). */
  readonly blockBytes: number;
  /** Committed bytes kept cached in write blocks across the newest files. */
  readonly cacheBytes: number;
  readonly logger: Logger;
}

export class MappedFileQueue {
  private files: MappedFile[] = [];
  /** Everything below is handed to the kernel. */
  committedWhere = 0;
  /** Everything below is fdatasynced. */
  flushedWhere = 0;

  constructor(private readonly options: MappedFileQueueOptions) {}

  get fileSize(): number {
    return this.options.fileSize;
  }

  get storePath(): string {
    return this.options.storePath;
  }

  get mappedFiles(): readonly MappedFile[] {
    return this.files;
  }

  get firstMappedFile(): MappedFile | undefined {
    return this.files[0];
  }

  get lastMappedFile(): MappedFile | undefined {
    return this.files.length > 0 ? this.files[this.files.length - 1] : undefined;
  }

  /** Start of the first file, or 0 when empty (before anything was written, min = max = 0). */
  get minOffset(): number {
    const first = this.files.find((file) => !file.isDestroyed);
    return first === undefined ? 0 : first.fileFromOffset;
  }

  /** End of the appended data. */
  get maxOffset(): number {
    const last = this.lastMappedFile;
    return last === undefined ? 0 : last.fileFromOffset + last.wrotePosition;
  }

  /**
   * Lists the directory at startup. Every file must be exactly `fileSize` long, except a zero-length last file
   * (a crash right after creating it), which is deleted; files must be contiguous. Positions are set to the
   * full size; recovery then cuts the last file. Returns false when the directory was empty.
   */
  loadSync(): boolean {
    fs.mkdirSync(this.options.storePath, { recursive: true });
    const entries = fs
      .readdirSync(this.options.storePath)
      .map((name) => ({ name, offset: fileNameToOffset(name) }))
      .filter((entry): entry is { name: string; offset: number } => entry.offset !== undefined)
      .sort((a, b) => a.offset - b.offset);
    const files: MappedFile[] = [];
    for (let i = 0; i < entries.length; i++) {
      const fileName = path.join(this.options.storePath, entries[i].name);
      const { size } = fs.statSync(fileName);
      if (size !== this.options.fileSize) {
        if (size === 0 && i === entries.length - 1) {
          this.options.logger.warn('deleting empty last file', { fileName });
          fs.rmSync(fileName);
          continue;
        }
        if (size < this.options.fileSize && i === entries.length - 1) {
          // A recovery cut (shrink, then re-extend) interrupted between its two steps: finish it.
          this.options.logger.warn('re-extending a short last file', { fileName, size });
          fs.truncateSync(fileName, this.options.fileSize);
        } else {
          throw new StoreCorruptionError(
            `${fileName} is ${size} bytes, expected ${this.options.fileSize} (was the file size option changed?)`,
          );
        }
      }
      const previous = files[files.length - 1];
      if (previous !== undefined && previous.fileFromOffset + this.options.fileSize !== entries[i].offset)
        throw new StoreCorruptionError(`gap in ${this.options.storePath} before ${entries[i].name}`);
      if (entries[i].offset % this.options.fileSize !== 0)
        throw new StoreCorruptionError(`${fileName} does not start at a multiple of the file size`);
      const file = this.newFile(entries[i].offset, true);
      file.setPositions(this.options.fileSize);
      files.push(file);
    }
    this.files = files;
    return files.length > 0;
  }

  private newFile(offset: number, existsOnDisk: boolean): MappedFile {
    return new MappedFile(
      path.join(this.options.storePath, offsetToFileName(offset)),
      offset,
      this.options.fileSize,
      this.options.blockBytes,
      existsOnDisk,
    );
  }

  /**
   * The file appends go to: the last one, or a new one after it when it is full or none exists (`startOffset`
   * rounded down to a file boundary then). Creation on disk happens at its first commit.
   */
  getLastMappedFileForAppend(startOffset = 0): MappedFile {
    const last = this.lastMappedFile;
    if (last !== undefined && !last.isFull) return last;
    const offset = last !== undefined ? last.fileEndOffset : startOffset - (startOffset % this.options.fileSize);
    const file = this.newFile(offset, false);
    this.files.push(file);
    return file;
  }

  /** The file holding `offset`, or undefined (deleted or never written). */
  findMappedFileByOffset(offset: number): MappedFile | undefined {
    const first = this.files[0];
    if (first === undefined || offset < first.fileFromOffset) return undefined;
    const index = Math.floor(offset / this.options.fileSize) - Math.floor(first.fileFromOffset / this.options.fileSize);
    const file = this.files[index];
    if (file === undefined || offset >= file.fileEndOffset || file.isDestroyed) return undefined;
    return file;
  }

  /**
   * Writes every appended byte to the kernel, file by file in order. One caller at a time. Afterwards drops
   * committed write blocks beyond the cache budget.
   */
  async commit(): Promise<void> {
    for (let i = this.indexOf(this.committedWhere); i >= 0 && i < this.files.length; i++) {
      const file = this.files[i];
      await file.commit();
      this.committedWhere = file.fileFromOffset + file.committedPosition;
      // Appends may have filled the file during the write: move on only once all of it is committed.
      if (file.committedPosition < file.fileSize) break;
    }
    this.evict();
  }

  private indexOf(offset: number): number {
    const first = this.files[0];
    if (first === undefined) return -1;
    const index = Math.floor(offset / this.options.fileSize) - Math.floor(first.fileFromOffset / this.options.fileSize);
    return Math.max(0, index);
  }

  private evict(): void {
    let budget = this.options.cacheBytes;
    for (let i = this.files.length - 1; i >= 0; i--) {
      const file = this.files[i];
      const before = file.cachedBytes;
      if (before === 0 && budget <= 0) break;
      budget -= file.evictBlocks(Math.max(0, budget));
    }
  }

  /** Whether flushing now follows the pages rule (broker-semantics.md 1.8). */
  isAbleToFlush(leastPages: number): boolean {
    const file = this.files[this.indexOf(this.flushedWhere)];
    if (file === undefined) return false;
    if (file.flushedPosition >= file.committedPosition) return false;
    if (file.isFull && file.committedPosition >= file.fileSize) return true;
    if (leastPages > 0)
      return (
        Math.floor(file.committedPosition / OS_PAGE_SIZE) - Math.floor(file.flushedPosition / OS_PAGE_SIZE) >=
        leastPages
      );
    return true;
  }

  /** fdatasyncs committed data following the pages rule; returns the new flushed offset. */
  async flush(leastPages: number): Promise<number> {
    for (let i = this.indexOf(this.flushedWhere); i >= 0 && i < this.files.length; i++) {
      if (!this.isAbleToFlush(leastPages)) break;
      const file = this.files[i];
      await file.flush();
      this.flushedWhere = file.fileFromOffset + file.flushedPosition;
      if (file.flushedPosition < file.fileSize) break;
    }
    return this.flushedWhere;
  }

  /** Recovery: cut at `offset` (zeros after it) and delete every later file. */
  truncateDirtyFilesSync(offset: number): void {
    // Later files go first: a crash half-way then leaves the cut file as the last one, which load repairs.
    while (this.files.length > 0 && this.files[this.files.length - 1].fileFromOffset > offset)
      (this.files.pop() as MappedFile).deleteSync();
    const last = this.lastMappedFile;
    if (last !== undefined && last.fileEndOffset > offset) last.truncateSync(offset - last.fileFromOffset);
    this.committedWhere = Math.min(this.committedWhere, offset);
    this.flushedWhere = Math.min(this.flushedWhere, offset);
  }

  /** Recovery: positions of every file from the given offset of valid data (all earlier files full). */
  setProcessOffset(offset: number): void {
    this.committedWhere = offset;
    this.flushedWhere = offset;
  }

  /** Removes destroyed files from the head of the list. */
  removeDestroyedHead(): void {
    let cut = 0;
    while (cut < this.files.length - 1 && this.files[cut].isDestroyed) cut++;
    if (cut > 0) this.files = this.files.slice(cut);
  }

  /** Deletes every file and forgets them (a queue whose data is all gone). */
  async destroyAll(): Promise<void> {
    const files = this.files;
    this.files = [];
    this.committedWhere = 0;
    this.flushedWhere = 0;
    for (const file of files) await file.destroy();
  }

  destroyAllSync(): void {
    for (const file of this.files) file.deleteSync();
    this.files = [];
    this.committedWhere = 0;
    this.flushedWhere = 0;
  }

  async close(): Promise<void> {
    for (const file of this.files) await file.close();
  }
}
