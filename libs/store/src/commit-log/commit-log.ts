/**
 * The CommitLog (broker-semantics.md 1.2): every message of every topic appended to one log of segments
 * named by their 20-digit start offset. Appends are synchronous and in memory (single writer = the event
 * loop): offsets, queue offsets and the store timestamp are assigned and the records encoded straight into
 * the segment's write block. The CommitLogFlusher then writes them out (`committedWhere`) and fdatasyncs
 * them (`flushedWhere`). Readers only ever see committed bytes, so nothing a process crash can lose is
 * visible (1.8).
 */
import {
  type Logger,
  MessageSysFlag,
  BLANK_RECORD_BYTES,
  MESSAGE_MAGIC_CODE_V1,
  MESSAGE_MAGIC_CODE_V2,
  createOffsetMsgId,
  getTransactionValue,
  storedMessageSize,
  writeBlankRecord,
  writeStoredMessage,
  type MessageRecordInput,
} from '@rocketnest/protocol';
import * as path from 'node:path';
import { MappedFileQueue } from '../mapped-file/mapped-file-queue.js';
import type { ResolvedStoreOptions } from '../store-options.js';
import type { PutBatchRequest, PutMessageRequest } from './put-message-request.js';

/** Bytes a record may add to its body (header, topic, properties): upstream's 64 KiB allowance. */
export const RECORD_OVERHEAD_ALLOWANCE = 64 * 1024;

export interface AppendResult {
  wroteOffset: number;
  wroteBytes: number;
  /** End of the appended bytes: the put is written/durable once committedWhere/flushedWhere reaches it. */
  nextOffset: number;
  queueOffset: number;
  msgNum: number;
  storeTimestamp: number;
  msgIds: string[];
}

export function topicQueueKey(topic: string, queueId: number): string {
  return `${topic}-${queueId}`;
}

function takesQueueOffset(sysFlag: number): boolean {
  const type = getTransactionValue(sysFlag);
  return type === MessageSysFlag.TRANSACTION_NOT_TYPE || type === MessageSysFlag.TRANSACTION_COMMIT_TYPE;
}

export class CommitLog {
  readonly queue: MappedFileQueue;
  /** Next queue offset per "topic-queueId" (topicQueueTable). */
  readonly topicQueueTable = new Map<string, number>();
  private lastStoreTimestamp = 0;
  /** Time of the oldest append whose bytes are not yet committed (0 when none): page-cache-busy signal. */
  private readonly pendingAppendTimes: { nextOffset: number; at: number }[] = [];

  constructor(
    private readonly options: ResolvedStoreOptions,
    logger: Logger,
    private readonly now: () => number,
  ) {
    this.queue = new MappedFileQueue({
      storePath: path.join(options.storePathRootDir, 'commitlog'),
      fileSize: options.mappedFileSizeCommitLog,
      blockBytes: Math.min(options.commitLogWriteBlockBytes, options.mappedFileSizeCommitLog),
      cacheBytes: options.commitLogTailCacheBytes,
      logger,
    });
  }

  get fileSize(): number {
    return this.queue.fileSize;
  }

  get minOffset(): number {
    return this.queue.minOffset;
  }

  /** End of the data readers may see (committed). */
  get maxOffset(): number {
    return this.queue.committedWhere;
  }

  /** End of everything appended, written or not. */
  get wroteOffset(): number {
    return this.queue.maxOffset;
  }

  get committedWhere(): number {
    return this.queue.committedWhere;
  }

  get flushedWhere(): number {
    return this.queue.flushedWhere;
  }

  /** Start of the segment after the one holding `offset`. */
  rollNextFile(offset: number): number {
    return offset + this.fileSize - (offset % this.fileSize);
  }

  /** Age in ms of the oldest append not yet handed to the kernel (0 when all are written). */
  oldestPendingAppendAgeMs(now: number): number {
    this.dropWrittenAppendTimes();
    const head = this.pendingAppendTimes[0];
    return head === undefined ? 0 : now - head.at;
  }

  private dropWrittenAppendTimes(): void {
    const committed = this.queue.committedWhere;
    let cut = 0;
    while (cut < this.pendingAppendTimes.length && this.pendingAppendTimes[cut].nextOffset <= committed) cut++;
    if (cut > 0) this.pendingAppendTimes.splice(0, cut);
  }

  /** Per-record size bound check (1.11); returns a reason when illegal. */
  checkRecordSize(bodyLength: number, recordSize: number): string | undefined {
    if (bodyLength > this.options.maxMessageSize)
      return `body of ${bodyLength} bytes exceeds maxMessageSize ${this.options.maxMessageSize}`;
    if (recordSize > this.options.maxMessageSize + RECORD_OVERHEAD_ALLOWANCE)
      return `record of ${recordSize} bytes exceeds the limit`;
    return undefined;
  }

  /**
   * Appends one message. The caller ran the put-time checks; `size` = storedMessageSize of the request.
   * Returns a reason string when the record can never fit in a segment.
   */
  appendMessage(request: PutMessageRequest, size: number): AppendResult | string {
    return this.append(request.topic, request.queueId, request.sysFlag, [size], size, (buf, at, base) => {
      const input = this.recordInput(request, request.flag, request.body, request.properties, base);
      writeStoredMessage(input, buf, at);
      return [createOffsetMsgId(request.storeHost, base.physicalOffset)];
    });
  }

  /** Appends a batch as consecutive records in one segment (never split). */
  appendBatch(request: PutBatchRequest, sizes: readonly number[]): AppendResult | string {
    const total = sizes.reduce((sum, size) => sum + size, 0);
    return this.append(request.topic, request.queueId, request.sysFlag, sizes, total, (buf, at, base) => {
      const ids: string[] = [];
      const shared = { ...request, preparedTransactionOffset: 0 };
      let pos = at;
      let physicalOffset = base.physicalOffset;
      let queueOffset = base.queueOffset;
      for (let i = 0; i < request.messages.length; i++) {
        const entry = request.messages[i];
        const input = this.recordInput(shared, entry.flag, entry.body, entry.properties, {
          physicalOffset,
          queueOffset,
          storeTimestamp: base.storeTimestamp,
        });
        writeStoredMessage(input, buf, pos);
        ids.push(createOffsetMsgId(request.storeHost, physicalOffset));
        pos += sizes[i];
        physicalOffset += sizes[i];
        if (base.takesOffset) queueOffset++;
      }
      return ids;
    });
  }

  private recordInput(
    request: Omit<PutMessageRequest, 'flag' | 'body' | 'properties'>,
    flag: number,
    body: Buffer,
    properties: string,
    base: { physicalOffset: number; queueOffset: number; storeTimestamp: number },
  ): MessageRecordInput {
    return {
      queueId: request.queueId,
      flag,
      queueOffset: base.queueOffset,
      physicalOffset: base.physicalOffset,
      sysFlag: request.sysFlag,
      bornTimestamp: request.bornTimestamp,
      bornHost: request.bornHost,
      storeTimestamp: base.storeTimestamp,
      storeHost: request.storeHost,
      reconsumeTimes: request.reconsumeTimes,
      preparedTransactionOffset: request.preparedTransactionOffset,
      body,
      topic: request.topic,
      properties,
    };
  }

  private append(
    topic: string,
    queueId: number,
    sysFlag: number,
    sizes: readonly number[],
    total: number,
    encode: (
      buf: Buffer,
      at: number,
      base: { physicalOffset: number; queueOffset: number; storeTimestamp: number; takesOffset: boolean },
    ) => string[],
  ): AppendResult | string {
    const fileSize = this.queue.fileSize;
    if (total + BLANK_RECORD_BYTES > fileSize) return `${total} bytes never fit in a ${fileSize}-byte segment`;
    let file = this.queue.getLastMappedFileForAppend(0);
    const remaining = fileSize - file.wrotePosition;
    if (total + BLANK_RECORD_BYTES > remaining) {
      // End of segment (1.2 "Blank"): [remaining][BLANK_MAGIC], the rest of the file stays zeros.
      const blank = file.reserve(BLANK_RECORD_BYTES);
      writeBlankRecord(blank.buf, blank.offset, remaining);
      file.markFull();
      file = this.queue.getLastMappedFileForAppend(0);
    }
    const key = topicQueueKey(topic, queueId);
    const takesOffset = takesQueueOffset(sysFlag);
    const queueOffset = takesOffset ? (this.topicQueueTable.get(key) ?? 0) : 0;
    // Non-decreasing in log order even if the clock steps back: time lookups binary-search on it.
    const storeTimestamp = Math.max(this.now(), this.lastStoreTimestamp);
    this.lastStoreTimestamp = storeTimestamp;
    const physicalOffset = file.fileFromOffset + file.wrotePosition;
    const { buf, offset } = file.reserve(total);
    const msgIds = encode(buf, offset, { physicalOffset, queueOffset, storeTimestamp, takesOffset });
    file.lastStoreTimestamp = storeTimestamp;
    if (takesOffset) this.topicQueueTable.set(key, queueOffset + sizes.length);
    const nextOffset = physicalOffset + total;
    this.pendingAppendTimes.push({ nextOffset, at: this.now() });
    if (this.pendingAppendTimes.length > 4096) this.dropWrittenAppendTimes();
    return {
      wroteOffset: physicalOffset,
      wroteBytes: total,
      nextOffset,
      queueOffset,
      msgNum: sizes.length,
      storeTimestamp,
      msgIds,
    };
  }

  /** Sets the last store time after recovery so new records never go back in time. */
  setLastStoreTimestamp(timestamp: number): void {
    if (timestamp > this.lastStoreTimestamp) this.lastStoreTimestamp = timestamp;
  }

  /** Encoded size of one message (throws ProtocolError on unparsable hosts). */
  static messageSize(request: PutMessageRequest): number {
    return storedMessageSize({
      queueId: 0,
      flag: 0,
      queueOffset: 0,
      physicalOffset: 0,
      sysFlag: request.sysFlag,
      bornTimestamp: 0,
      bornHost: request.bornHost,
      storeTimestamp: 0,
      storeHost: request.storeHost,
      reconsumeTimes: 0,
      preparedTransactionOffset: 0,
      body: request.body,
      topic: request.topic,
      properties: request.properties,
    });
  }

  // ---- reads (committed data only) ----

  /** Whole record bytes at [offset, offset+size): a view when cached. Undefined when gone or not visible. */
  async getData(offset: number, size: number): Promise<Buffer | undefined> {
    if (offset + size > this.queue.committedWhere) return undefined;
    const file = this.queue.findMappedFileByOffset(offset);
    if (file === undefined) return undefined;
    const pos = offset - file.fileFromOffset;
    if (pos + size > file.fileSize) return undefined;
    return file.read(pos, size);
  }

  /** [offset, offset+size) as a view of the write blocks, when cached and visible. */
  getCachedData(offset: number, size: number): Buffer | undefined {
    if (offset + size > this.queue.committedWhere) return undefined;
    const file = this.queue.findMappedFileByOffset(offset);
    return file?.readCached(offset - file.fileFromOffset, size);
  }

  /** The record starting at `offset`, its size read from its first 4 bytes (VIEW_MESSAGE_BY_ID, 2.9). */
  async getRecord(offset: number): Promise<Buffer | undefined> {
    const head = await this.getData(offset, 8);
    if (head === undefined) return undefined;
    const size = head.readInt32BE(0);
    const magic = head.readInt32BE(4);
    if (magic !== MESSAGE_MAGIC_CODE_V1 && magic !== MESSAGE_MAGIC_CODE_V2) return undefined;
    if (size <= BLANK_RECORD_BYTES || size > this.fileSize) return undefined;
    return this.getData(offset, size);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
