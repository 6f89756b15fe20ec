/**
 * The key index (broker-semantics.md 1.5): a list of IndexFiles under index/, newest last. Dispatch adds
 * UNIQ_KEY and every space-separated KEYS token as `topic#key`; queries walk files newest to oldest.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Logger, MessageSysFlag, getTransactionValue } from '@rocketnest/protocol';
import type { DispatchRequest } from '../dispatch/dispatch-request.js';
import { buildIndexKey, indexFileName, indexFileNameToTime } from './index-file-format.js';
import { IndexFile } from './index-file.js';

export interface IndexServiceOptions {
  readonly storePath: string;
  readonly hashSlotNum: number;
  readonly indexNum: number;
  readonly maxMsgsNumBatch: number;
  readonly logger: Logger;
  readonly now: () => number;
}

export interface IndexQueryResult {
  phyOffsets: number[];
  indexLastUpdateTimestamp: number;
  indexLastUpdatePhyoffset: number;
}

export class IndexService {
  private files: IndexFile[] = [];

  constructor(private readonly options: IndexServiceOptions) {}

  get indexFiles(): readonly IndexFile[] {
    return this.files;
  }

  /**
   * Loads every index file; only the newest stays writable (slots in memory). Its slots are repaired against
   * its header (see IndexFile). Any file after a non-full one is deleted (it cannot be consistent).
   */
  loadSync(): void {
    fs.mkdirSync(this.options.storePath, { recursive: true });
    const names = fs
      .readdirSync(this.options.storePath)
      .filter((name) => /^\d{17}$/.test(name))
      .sort()
      .filter((name) => {
        // Created but killed before it was sized: it holds nothing.
        const fileName = path.join(this.options.storePath, name);
        if (fs.statSync(fileName).size !== 0) return true;
        this.options.logger.warn('deleting empty index file', { fileName });
        fs.rmSync(fileName);
        return false;
      });
    const files: IndexFile[] = [];
    for (let i = 0; i < names.length; i++) {
      const fileName = path.join(this.options.storePath, names[i]);
      const last = i === names.length - 1;
      const file = IndexFile.loadSync(fileName, this.options.hashSlotNum, this.options.indexNum, last);
      files.push(file);
      if (!last && !file.isWriteFull) {
        this.options.logger.warn('index file not full but followed by newer files; dropping the newer ones', {
          fileName,
        });
        for (const later of names.slice(i + 1)) fs.rmSync(path.join(this.options.storePath, later), { force: true });
        files.pop();
        files.push(IndexFile.loadSync(fileName, this.options.hashSlotNum, this.options.indexNum, true));
        break;
      }
    }
    this.files = files;
    const active = this.lastFile;
    if (active !== undefined && active.isWritable) {
      const repaired = active.repairSync();
      if (repaired > 0) this.options.logger.warn('index slots repaired after a crash', { slots: repaired });
      active.flushRecoveredSync();
    }
  }

  private get lastFile(): IndexFile | undefined {
    return this.files.length > 0 ? this.files[this.files.length - 1] : undefined;
  }

  /** CommitLog offset of the last indexed record (re-dispatch skips records before it). */
  get endPhyOffset(): number {
    return this.lastFile?.header.endPhyOffset ?? 0;
  }

  get endTimestamp(): number {
    return this.lastFile?.header.endTimestamp ?? 0;
  }

  /** Removes entries of records at or after `phyOffset` (the CommitLog was cut there) and deletes files beyond. */
  truncateSync(phyOffset: number): void {
    while (this.files.length > 0) {
      const last = this.files[this.files.length - 1];
      if (last.header.indexCount > 1 && last.header.beginPhyOffset >= phyOffset) {
        last.deleteSync();
        this.files.pop();
        continue;
      }
      if (!last.isWritable) {
        this.files.pop();
        this.files.push(IndexFile.loadSync(last.fileName, this.options.hashSlotNum, this.options.indexNum, true));
        continue;
      }
      last.truncateSync(phyOffset);
      last.flushRecoveredSync();
      return;
    }
  }

  private getWritableFile(): IndexFile {
    const last = this.lastFile;
    if (last !== undefined && last.isWritable && !last.isWriteFull) return last;
    let time = this.options.now();
    // Names must stay unique and ordered even for two files in one millisecond or a clock stepping back.
    const lastTime = last === undefined ? undefined : indexFileNameToTime(path.basename(last.fileName));
    if (lastTime !== undefined && time <= lastTime) time = lastTime + 1;
    let name = indexFileName(time);
    while (last !== undefined && path.basename(last.fileName) >= name) name = indexFileName(++time);
    const file = IndexFile.create(
      path.join(this.options.storePath, name),
      this.options.hashSlotNum,
      this.options.indexNum,
      last === undefined
        ? undefined
        : { endPhyOffset: last.header.endPhyOffset, endTimestamp: last.header.endTimestamp },
    );
    this.files.push(file);
    return file;
  }

  /** Dispatcher (1.5): UNIQ_KEY, then KEYS split on single spaces; rollback records skipped. */
  buildIndex(request: DispatchRequest): void {
    if (getTransactionValue(request.sysFlag) === MessageSysFlag.TRANSACTION_ROLLBACK_TYPE) return;
    const uniqKey = request.uniqKey;
    const keys = request.keys;
    if ((uniqKey === undefined || uniqKey.length === 0) && (keys === undefined || keys.length === 0)) return;
    const last = this.lastFile;
    if (last !== undefined) {
      const { endPhyOffset, indexCount } = last.header;
      // Idempotent re-dispatch: this record (or a later one) is already indexed.
      if (request.commitLogOffset < endPhyOffset || (request.commitLogOffset === endPhyOffset && indexCount > 1))
        return;
    }
    if (uniqKey !== undefined && uniqKey.length > 0) this.putKey(request, uniqKey);
    if (keys !== undefined) for (const key of keys.split(' ')) if (key.length > 0) this.putKey(request, key);
  }

  private putKey(request: DispatchRequest, key: string): void {
    const indexKey = buildIndexKey(request.topic, key);
    for (let attempt = 0; attempt < 3; attempt++) {
      if (this.getWritableFile().putKey(indexKey, request.commitLogOffset, request.storeTimestamp)) return;
    }
    this.options.logger.error('index key not stored: index file full after rolling', { topic: request.topic });
  }

  /**
   * Physical offsets of records indexed under `topic#key` stored in [begin, end], newest first, at most
   * min(maxNum, maxMsgsNumBatch).
   */
  async queryOffset(topic: string, key: string, maxNum: number, begin: number, end: number): Promise<IndexQueryResult> {
    const limit = Math.min(maxNum, this.options.maxMsgsNumBatch);
    const phyOffsets: number[] = [];
    const last = this.lastFile;
    const result: IndexQueryResult = {
      phyOffsets,
      indexLastUpdateTimestamp: last?.header.endTimestamp ?? 0,
      indexLastUpdatePhyoffset: last?.header.endPhyOffset ?? 0,
    };
    const indexKey = buildIndexKey(topic, key);
    for (let i = this.files.length - 1; i >= 0 && phyOffsets.length < limit; i--) {
      const file = this.files[i];
      if (file.isDestroyed) continue;
      if (file.isTimeMatched(begin, end)) await file.selectPhyOffsets(phyOffsets, indexKey, limit, begin, end);
      if (file.header.beginTimestamp < begin) break;
    }
    return result;
  }

  /**
   * Writes every dirty file (oldest first, so a full file is complete before its successor exists on disk) and
   * releases the slots of full ones. Returns the end timestamp of the newest durable data.
   */
  async flush(): Promise<number> {
    for (const file of this.files) {
      if (!file.isDirty) continue;
      await file.flush();
      if (file !== this.lastFile) file.makeReadOnly();
    }
    return this.endTimestamp;
  }

  /** Deletes files (never the last) whose last record is below the CommitLog min offset (1.9). */
  async deleteExpiredFiles(commitLogMinOffset: number): Promise<number> {
    let deleted = 0;
    while (this.files.length > 1 && this.files[0].header.endPhyOffset < commitLogMinOffset) {
      const file = this.files.shift() as IndexFile;
      await file.destroy();
      deleted++;
    }
    return deleted;
  }

  async close(): Promise<void> {
    for (const file of this.files) await file.close();
  }
}
