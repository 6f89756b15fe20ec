/**
 * MessageStore (upstream DefaultMessageStore): opens or recovers a store directory and wires the CommitLog,
 * its flusher, dispatch, ConsumeQueues, the index, the logic flush and retention services. Everything the
 * broker needs from the store goes through here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Logger, type MessageExt, NOOP_LOGGER, childLogger, decodeStoredMessage } from '@rocketnest/protocol';
import { AbortFile } from './checkpoint/abort-file.js';
import { StoreCheckpoint } from './checkpoint/store-checkpoint.js';
import { StoreLock } from './checkpoint/store-lock.js';
import { type AppendResult, CommitLog } from './commit-log/commit-log.js';
import type { PutBatchRequest, PutMessageRequest } from './commit-log/put-message-request.js';
import type { ConsumeQueue } from './consume-queue/consume-queue.js';
import { ConsumeQueueTable } from './consume-queue/consume-queue-table.js';
import { CommitLogDispatcher } from './dispatch/commit-log-dispatcher.js';
import type { TagsCodeResolver } from './dispatch/dispatch-request.js';
import type { MessageArrivingListener } from './dispatch/message-arriving-listener.js';
import { ReputMessageService } from './dispatch/reput-message-service.js';
import { CommitLogFlusher } from './flush/commit-log-flusher.js';
import { LogicFlushService } from './flush/logic-flush-service.js';
import type { WaitOutcome } from './flush/offset-waiters.js';
import type { GetMessageResult, RecordFilter, TagsCodeFilter } from './get-message-result.js';
import { IndexService } from './index/index-service.js';
import { checkPutBatchRequest, checkPutMessageRequest } from './put/put-message-checks.js';
import { PutMessageStatus, type PutMessageResult, failedPut } from './put-message-result.js';
import { getMessageFromQueue } from './query/get-message.js';
import { type BoundaryType, offsetInQueueByTime, storeTimeAt } from './query/offset-by-time.js';
import { type RecoveryReport, recoverStoreSync } from './recovery/store-recovery.js';
import { type CleanReport, CleanService } from './retention/clean-service.js';
import { type DiskUsageProbe, statfsDiskUsage } from './retention/disk-usage.js';
import { CreateMappedFileError, StoreClosedError } from './store-errors.js';
import { type ResolvedStoreOptions, type StoreOptions, resolveStoreOptions } from './store-options.js';

export interface MessageStoreDependencies {
  logger?: Logger;
  /** Clock for store timestamps, retention hours and file ages (tests). */
  now?: () => number;
  /** Custom ConsumeQueue tagsCode (the broker's delay topic). */
  tagsCodeResolver?: TagsCodeResolver;
  /** Disk usage probe in percent (default: fs.statfs of the commitlog directory). */
  diskUsage?: DiskUsageProbe;
}

export interface QueryMessageResult {
  /** Raw records (possibly hash collisions: the caller filters by key). */
  messageBuffers: Buffer[];
  phyOffsets: number[];
  bufferTotalSize: number;
  indexLastUpdateTimestamp: number;
  indexLastUpdatePhyoffset: number;
}

export interface StoreRunningState {
  shutdown: boolean;
  writable: boolean;
  diskFull: boolean;
  /** Why puts are refused after a write error (restart needed). */
  writeError: string | undefined;
}

export interface FlowControlState {
  /** Appended bytes not yet written (ASYNC) or not yet durable (SYNC). */
  writeBacklogBytes: number;
  /** Written bytes not yet dispatched to ConsumeQueues. */
  dispatchBehindBytes: number;
  oldestPendingAppendAgeMs: number;
  osPageCacheBusy: boolean;
}

export interface StoreStats {
  /** pwrite batches and fdatasyncs of the CommitLog so far. */
  commitLogWrites: number;
  commitLogFsyncs: number;
  /** Records dispatched below the committed end that could not be parsed; must stay 0. */
  dispatchInvalidRecords: number;
  /** ConsumeQueue entries that arrived out of order; must stay 0. */
  consumeQueueOrderErrors: number;
}

export class MessageStore {
  readonly options: ResolvedStoreOptions;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly lock: StoreLock;
  private readonly abortFile: AbortFile;
  private readonly checkpoint: StoreCheckpoint;
  private readonly commitLog: CommitLog;
  private readonly consumeQueues: ConsumeQueueTable;
  private readonly indexService: IndexService | null;
  private readonly dispatcher: CommitLogDispatcher;
  private readonly reput: ReputMessageService;
  private readonly flusher: CommitLogFlusher;
  private readonly logicFlush: LogicFlushService;
  private readonly cleaner: CleanService;
  private closed = false;
  private diskFull = false;
  private writeError: Error | undefined;
  private recoveryReport: RecoveryReport | undefined;
  private readonly tagsCodeResolver: TagsCodeResolver | undefined;

  private constructor(options: ResolvedStoreOptions, deps: MessageStoreDependencies) {
    this.options = options;
    this.logger = childLogger(deps.logger ?? NOOP_LOGGER, 'store');
    this.now = deps.now ?? Date.now;
    this.tagsCodeResolver = deps.tagsCodeResolver;
    const root = options.storePathRootDir;
    this.lock = new StoreLock(path.join(root, 'lock'));
    this.abortFile = new AbortFile(path.join(root, 'abort'));
    this.checkpoint = new StoreCheckpoint(path.join(root, 'checkpoint'));
    this.commitLog = new CommitLog(options, this.logger, this.now);
    this.consumeQueues = new ConsumeQueueTable({
      rootDir: path.join(root, 'consumequeue'),
      entriesPerFile: options.consumeQueueEntriesPerFile,
      cacheBlockEntries: options.consumeQueueCacheBlockEntries,
      logger: this.logger,
    });
    this.indexService = options.messageIndexEnable
      ? new IndexService({
          storePath: path.join(root, 'index'),
          hashSlotNum: options.maxHashSlotNum,
          indexNum: options.maxIndexNum,
          maxMsgsNumBatch: options.maxMsgsNumBatch,
          logger: this.logger,
          now: this.now,
        })
      : null;
    this.dispatcher = new CommitLogDispatcher(this.consumeQueues, this.indexService, this.logger);
    this.reput = new ReputMessageService(
      this.commitLog,
      this.dispatcher,
      options.reputBatchBytes,
      deps.tagsCodeResolver,
      this.logger,
    );
    this.flusher = new CommitLogFlusher(
      this.commitLog,
      options,
      this.logger,
      {
        onCommitted: () => this.reput.wakeup(),
        onFlushed: (flushedWhere) => {
          this.checkpoint.masterFlushedOffset = flushedWhere;
          const file = this.commitLog.queue.findMappedFileByOffset(Math.max(0, flushedWhere - 1));
          if (file !== undefined && file.lastStoreTimestamp > 0)
            this.checkpoint.physicMsgTimestamp = file.lastStoreTimestamp;
        },
        onError: (error) => this.markWriteError(error),
      },
      this.now,
    );
    this.logicFlush = new LogicFlushService(
      {
        consumeQueues: this.consumeQueues,
        indexService: this.indexService,
        reput: this.reput,
        dispatcher: this.dispatcher,
        checkpoint: this.checkpoint,
        logger: this.logger,
        onError: (error) => this.markWriteError(error),
      },
      options.flushIntervalConsumeQueueMs,
    );
    this.cleaner = new CleanService({
      options,
      commitLog: this.commitLog,
      consumeQueues: this.consumeQueues,
      indexService: this.indexService,
      diskUsage: deps.diskUsage ?? statfsDiskUsage,
      now: this.now,
      logger: this.logger,
      setDiskFull: (full) => {
        this.diskFull = full;
      },
    });
  }

  /**
   * Opens the store at `options.storePathRootDir`: takes the lock (StoreLockedError when another live store
   * holds it), recovers (1.7), then starts the flush, dispatch and retention services.
   */
  static async open(options: StoreOptions = {}, deps: MessageStoreDependencies = {}): Promise<MessageStore> {
    const resolved = resolveStoreOptions(options);
    fs.mkdirSync(resolved.storePathRootDir, { recursive: true });
    const store = new MessageStore(resolved, deps);
    store.lock.acquireSync();
    try {
      store.loadAndRecoverSync();
      for (const queue of store.consumeQueues.all()) await queue.correctMinOffset(store.commitLog.minOffset);
      await store.cleaner.checkDisk();
      store.flusher.start();
      store.logicFlush.start();
      store.cleaner.start();
    } catch (error) {
      store.closed = true;
      await store.closeFiles();
      store.lock.releaseSync();
      throw error;
    }
    return store;
  }

  private loadAndRecoverSync(): void {
    const abnormal = this.abortFile.existsSync();
    this.checkpoint.loadSync();
    this.commitLog.queue.loadSync();
    this.consumeQueues.loadSync();
    for (const queue of this.consumeQueues.all()) queue.recoverSync();
    this.indexService?.loadSync();
    const report = recoverStoreSync(
      {
        commitLog: this.commitLog,
        consumeQueues: this.consumeQueues,
        indexService: this.indexService,
        dispatcher: this.dispatcher,
        checkpoint: this.checkpoint,
        tagsCodeResolver: this.tagsCodeResolver,
        checkCrc: this.options.checkCRCOnRecover,
        logger: this.logger,
      },
      abnormal,
    );
    this.recoveryReport = report;
    this.reput.reputFromOffset = report.processOffset;
    this.logger.info('store recovered', { ...report, stop: report.stop.kind });
    this.abortFile.createSync();
  }

  /** What the last startup recovery did. */
  get recovery(): RecoveryReport {
    return this.recoveryReport as RecoveryReport;
  }

  // ---- puts ----

  private refusal(): PutMessageResult | undefined {
    if (this.closed) return failedPut(PutMessageStatus.SERVICE_NOT_AVAILABLE, 'store is shut down');
    if (this.options.brokerRole === 'SLAVE') return failedPut(PutMessageStatus.SERVICE_NOT_AVAILABLE, 'slave');
    if (this.writeError !== undefined)
      return failedPut(PutMessageStatus.SERVICE_NOT_AVAILABLE, `store not writable: ${this.writeError.message}`);
    if (this.diskFull) return failedPut(PutMessageStatus.SERVICE_NOT_AVAILABLE, 'disk full');
    if (this.isOSPageCacheBusy()) return failedPut(PutMessageStatus.OS_PAGECACHE_BUSY, 'write backlog too large');
    return undefined;
  }

  /** Appends one message (1.2 append algorithm) and resolves per the flush mode. */
  async putMessage(request: PutMessageRequest): Promise<PutMessageResult> {
    const refused = this.refusal();
    if (refused !== undefined) return refused;
    const invalid = checkPutMessageRequest(request);
    if (invalid !== undefined) return failedPut(invalid.status, invalid.remark);
    let size: number;
    try {
      size = CommitLog.messageSize(request);
    } catch (error) {
      return failedPut(PutMessageStatus.MESSAGE_ILLEGAL, (error as Error).message);
    }
    const tooLarge = this.commitLog.checkRecordSize(request.body.length, size);
    if (tooLarge !== undefined) return failedPut(PutMessageStatus.MESSAGE_ILLEGAL, tooLarge);
    const appended = this.commitLog.appendMessage(request, size);
    if (typeof appended === 'string') return failedPut(PutMessageStatus.MESSAGE_ILLEGAL, appended);
    return this.completePut(appended, request.waitStoreMsgOK ?? true);
  }

  /** Appends a batch atomically: consecutive records in one segment, consecutive queue offsets. */
  async putMessages(request: PutBatchRequest): Promise<PutMessageResult> {
    const refused = this.refusal();
    if (refused !== undefined) return refused;
    const invalid = checkPutBatchRequest(request);
    if (invalid !== undefined) return failedPut(invalid.status, invalid.remark);
    const sizes: number[] = [];
    let bodyBytes = 0;
    try {
      for (const message of request.messages) {
        const size = CommitLog.messageSize({ ...request, ...message, preparedTransactionOffset: 0 });
        const tooLarge = this.commitLog.checkRecordSize(message.body.length, size);
        if (tooLarge !== undefined) return failedPut(PutMessageStatus.MESSAGE_ILLEGAL, tooLarge);
        sizes.push(size);
        bodyBytes += message.body.length;
      }
    } catch (error) {
      return failedPut(PutMessageStatus.MESSAGE_ILLEGAL, (error as Error).message);
    }
    if (bodyBytes > this.options.maxMessageSize)
      return failedPut(PutMessageStatus.MESSAGE_ILLEGAL, `batch bodies of ${bodyBytes} bytes exceed maxMessageSize`);
    const appended = this.commitLog.appendBatch(request, sizes);
    if (typeof appended === 'string') return failedPut(PutMessageStatus.MESSAGE_ILLEGAL, appended);
    return this.completePut(appended, request.waitStoreMsgOK ?? true);
  }

  private async completePut(appended: AppendResult, waitStoreMsgOK: boolean): Promise<PutMessageResult> {
    this.flusher.wakeup();
    const durable = this.options.flushDiskType === 'SYNC_FLUSH' && waitStoreMsgOK;
    const outcome: WaitOutcome = durable
      ? await this.flusher.waitDurable(appended.nextOffset)
      : await this.flusher.waitWritten(appended.nextOffset);
    if (outcome.kind === 'error') {
      const status =
        outcome.error instanceof CreateMappedFileError
          ? PutMessageStatus.CREATE_MAPPED_FILE_FAILED
          : PutMessageStatus.UNKNOWN_ERROR;
      const code = (outcome.error as NodeJS.ErrnoException).code;
      return failedPut(status, `${code === undefined ? '' : `${code}: `}${outcome.error.message}`);
    }
    return {
      status: outcome.kind === 'done' ? PutMessageStatus.PUT_OK : PutMessageStatus.FLUSH_DISK_TIMEOUT,
      wroteOffset: appended.wroteOffset,
      wroteBytes: appended.wroteBytes,
      msgId: appended.msgIds.join(','),
      queueOffset: appended.queueOffset,
      msgNum: appended.msgNum,
      storeTimestamp: appended.storeTimestamp,
    };
  }

  private markWriteError(error: Error): void {
    this.writeError ??= error;
  }

  // ---- pulls and lookups ----

  private assertOpen(): void {
    if (this.closed) throw new StoreClosedError('message store is shut down');
  }

  /**
   * PULL lookup (2.3). `group` is informational. `tagFilter` sees each entry's tagsCode; `recordFilter` (SQL92)
   * sees whole records. Buffers are the stored records, ready to concatenate into a PULL body.
   */
  async getMessage(
    _group: string,
    topic: string,
    queueId: number,
    offset: number,
    maxMsgNums: number,
    maxTotalBytes?: number,
    tagFilter?: TagsCodeFilter,
    recordFilter?: RecordFilter,
  ): Promise<GetMessageResult> {
    this.assertOpen();
    return getMessageFromQueue(this.options, this.commitLog, this.consumeQueues.find(topic, queueId), {
      offset,
      maxMsgNums,
      maxTotalBytes,
      tagFilter,
      recordFilter,
    });
  }

  /** Next offset to be written in the queue (0 when unknown). */
  getMaxOffsetInQueue(topic: string, queueId: number): number {
    return this.consumeQueues.find(topic, queueId)?.maxOffsetInQueue ?? 0;
  }

  getMinOffsetInQueue(topic: string, queueId: number): number {
    return this.consumeQueues.find(topic, queueId)?.minOffsetInQueue ?? 0;
  }

  /** CommitLog offset of the record at a queue offset, or -1. */
  async getCommitLogOffsetInQueue(topic: string, queueId: number, consumeQueueOffset: number): Promise<number> {
    const entry = await this.consumeQueues.find(topic, queueId)?.readEntry(consumeQueueOffset);
    return entry?.commitLogOffset ?? -1;
  }

  /** SEARCH_OFFSET_BY_TIMESTAMP (0 for an unknown queue). */
  async getOffsetInQueueByTime(
    topic: string,
    queueId: number,
    timestamp: number,
    boundary: BoundaryType = 'LOWER',
  ): Promise<number> {
    const queue = this.consumeQueues.find(topic, queueId);
    return queue === undefined ? 0 : offsetInQueueByTime(this.commitLog, queue, timestamp, boundary);
  }

  /** Store time of the record at a queue offset, or -1. */
  async getMessageStoreTimeStamp(topic: string, queueId: number, consumeQueueOffset: number): Promise<number> {
    const queue = this.consumeQueues.find(topic, queueId);
    if (queue === undefined) return -1;
    return (await storeTimeAt(this.commitLog, queue, consumeQueueOffset)) ?? -1;
  }

  /** GET_EARLIEST_MSG_STORETIME: store time at the queue's min offset, or -1. */
  async getEarliestMessageTime(topic: string, queueId: number): Promise<number> {
    return this.getMessageStoreTimeStamp(topic, queueId, this.getMinOffsetInQueue(topic, queueId));
  }

  /** The raw record at a CommitLog offset (size from its own header when omitted). */
  async selectOneMessageByOffset(commitLogOffset: number, size?: number): Promise<Buffer | undefined> {
    this.assertOpen();
    return size === undefined
      ? this.commitLog.getRecord(commitLogOffset)
      : this.commitLog.getData(commitLogOffset, size);
  }

  /** VIEW_MESSAGE_BY_ID / transaction check-back: the decoded record at a CommitLog offset. */
  async lookMessageByOffset(commitLogOffset: number, size?: number): Promise<MessageExt | undefined> {
    const record = await this.selectOneMessageByOffset(commitLogOffset, size);
    if (record === undefined) return undefined;
    try {
      return decodeStoredMessage(record);
    } catch (error) {
      this.logger.warn('record at offset does not decode', { commitLogOffset, error: String(error) });
      return undefined;
    }
  }

  /** QUERY_MESSAGE by key or UNIQ_KEY (1.5): records stored in [begin, end], newest first. */
  async queryMessage(
    topic: string,
    key: string,
    maxNum: number,
    begin: number,
    end: number,
  ): Promise<QueryMessageResult> {
    this.assertOpen();
    const result: QueryMessageResult = {
      messageBuffers: [],
      phyOffsets: [],
      bufferTotalSize: 0,
      indexLastUpdateTimestamp: 0,
      indexLastUpdatePhyoffset: 0,
    };
    if (this.indexService === null) return result;
    const found = await this.indexService.queryOffset(topic, key, maxNum, begin, end);
    result.indexLastUpdateTimestamp = found.indexLastUpdateTimestamp;
    result.indexLastUpdatePhyoffset = found.indexLastUpdatePhyoffset;
    const offsets = [...found.phyOffsets].sort((a, b) => a - b);
    for (const offset of offsets) {
      const record = await this.commitLog.getRecord(offset);
      if (record === undefined) continue;
      result.messageBuffers.push(record);
      result.phyOffsets.push(offset);
      result.bufferTotalSize += record.length;
    }
    return result;
  }

  /** End of the visible CommitLog. */
  getMaxPhyOffset(): number {
    return this.commitLog.maxOffset;
  }

  getMinPhyOffset(): number {
    return this.commitLog.minOffset;
  }

  /** Queue ids that have a ConsumeQueue for `topic`. */
  getQueueIds(topic: string): number[] {
    return this.consumeQueues
      .queuesOf(topic)
      .map((queue) => queue.queueId)
      .sort((a, b) => a - b);
  }

  getTopics(): string[] {
    return this.consumeQueues.topics();
  }

  /** The ConsumeQueue object (tests, tools). */
  getConsumeQueue(topic: string, queueId: number): ConsumeQueue | undefined {
    return this.consumeQueues.find(topic, queueId);
  }

  /** Deletes topics' ConsumeQueues (their CommitLog records age out normally). */
  async deleteTopics(topics: readonly string[]): Promise<void> {
    for (const topic of topics) await this.consumeQueues.deleteTopic(topic);
  }

  // ---- notifications, flow control, state ----

  /** Called for each new ConsumeQueue entry (long polling). Returns a function that unsubscribes. */
  onMessageArriving(listener: MessageArrivingListener): () => void {
    this.dispatcher.addListener(listener);
    return () => this.dispatcher.removeListener(listener);
  }

  /** The page-cache-busy equivalent (11.3): oldest unwritten append > 1 s, or the backlog above its bound. */
  isOSPageCacheBusy(): boolean {
    return (
      this.commitLog.oldestPendingAppendAgeMs(this.now()) > this.options.osPageCacheBusyTimeOutMs ||
      this.flusher.backlogBytes > this.options.maxPendingAppendBytes
    );
  }

  getFlowControlState(): FlowControlState {
    return {
      writeBacklogBytes: this.flusher.backlogBytes,
      dispatchBehindBytes: this.reput.behindBytes,
      oldestPendingAppendAgeMs: this.commitLog.oldestPendingAppendAgeMs(this.now()),
      osPageCacheBusy: this.isOSPageCacheBusy(),
    };
  }

  getRunningState(): StoreRunningState {
    return {
      shutdown: this.closed,
      writable: !this.closed && this.writeError === undefined && !this.diskFull && this.options.brokerRole !== 'SLAVE',
      diskFull: this.diskFull,
      writeError: this.writeError?.message,
    };
  }

  getStats(): StoreStats {
    let orderErrors = 0;
    for (const queue of this.consumeQueues.all()) orderErrors += queue.orderErrors;
    return {
      commitLogWrites: this.flusher.stats.writes,
      commitLogFsyncs: this.flusher.stats.fsyncs,
      dispatchInvalidRecords: this.reput.invalidRecords,
      consumeQueueOrderErrors: orderErrors,
    };
  }

  /** Resolves when every written record is in its ConsumeQueue and the index. */
  waitDispatched(): Promise<void> {
    return this.reput.waitDispatched();
  }

  /** Writes, fdatasyncs and dispatches everything, then persists queues, index and checkpoint. */
  async flush(): Promise<void> {
    this.assertOpen();
    await this.flusher.flushAll();
    await this.reput.waitDispatched();
    await this.logicFlush.flush();
  }

  /** One retention run now (the timer does the same every cleanResourceIntervalMs). */
  cleanFilesNow(): Promise<CleanReport> {
    this.assertOpen();
    return this.cleaner.run();
  }

  /** Admin: delete expired CommitLog files at the next runs regardless of the hour. */
  executeDeleteFilesManually(): void {
    this.cleaner.requestManualDelete();
  }

  // ---- lifecycle ----

  private async closeFiles(): Promise<void> {
    await this.commitLog.close();
    await this.consumeQueues.close();
    await this.indexService?.close();
  }

  /**
   * Clean stop: refuses new puts, writes and syncs everything, persists queues, index and checkpoint, removes
   * the abort file (only if the store is healthy and dispatch caught up) and releases the lock.
   */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cleaner.stop();
    this.logicFlush.stop();
    await this.flusher.flushAll();
    await this.flusher.stop();
    await this.reput.waitDispatched();
    this.reput.stop();
    await this.logicFlush.flush();
    const caughtUp = this.reput.reputFromOffset >= this.commitLog.committedWhere;
    await this.closeFiles();
    if (this.writeError === undefined && caughtUp) await this.abortFile.remove();
    await this.lock.release();
  }

  /** Shuts down and deletes the whole store directory (tests). */
  async destroy(): Promise<void> {
    await this.shutdown();
    await fs.promises.rm(this.options.storePathRootDir, { recursive: true, force: true });
  }

  /**
   * Test seam: stops like a killed process would: nothing in memory reaches the disk (written bytes stay, as
   * they would in the page cache), the abort file stays, the lock is released.
   */
  async crashForTesting(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cleaner.stop();
    this.logicFlush.stop();
    this.reput.stop();
    await this.flusher.stop();
    await this.closeFiles();
    await this.lock.release();
  }
}
