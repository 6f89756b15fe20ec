/**
 * Startup recovery (broker-semantics.md 1.7), after CommitLog, ConsumeQueue, checkpoint and index files are
 * loaded and each ConsumeQueue has found the end of its valid entries:
 *  1. scan the CommitLog (CRC on) from the start of the segment holding min(checkpoint logicsPhyOffset,
 *     flushed offset, last segment start); the first invalid record is the end of the log;
 *  2. cut the CommitLog there (zeros after it, later segments deleted), drop ConsumeQueue and index entries
 *     that point at or past it, and check each queue's last entry against its record (a torn CQ write);
 *  3. re-dispatch every record from the checkpoint's logicsPhyOffset (all earlier ones have durable
 *     ConsumeQueue and index entries) to the end; dispatch is idempotent;
 *  4. rebuild the per-queue next offsets from the ConsumeQueues; dispatch resumes at the end.
 * The same steps run after a clean stop and after a crash; the abort file only decides what is logged and
 * how far back the scan may need to go. A checkpoint without logicsPhyOffset (0) re-dispatches everything.
 */
import * as fs from 'node:fs';
import { type Logger, type StoredRecordMessage, checkStoredRecord } from '@rocketnest/protocol';
import type { StoreCheckpoint } from '../checkpoint/store-checkpoint.js';
import { type CommitLog, topicQueueKey } from '../commit-log/commit-log.js';
import { CQ_BLANK_SIZE } from '../consume-queue/consume-queue-entry.js';
import type { ConsumeQueueTable } from '../consume-queue/consume-queue-table.js';
import type { ConsumeQueue } from '../consume-queue/consume-queue.js';
import type { CommitLogDispatcher } from '../dispatch/commit-log-dispatcher.js';
import { type TagsCodeResolver, tagsCodeOf, toDispatchRequest } from '../dispatch/dispatch-request.js';
import type { IndexService } from '../index/index-service.js';
import { type ScanStop, scanCommitLogSync } from './record-scan.js';

/** Bytes before the recovery anchor that still get the full record check. */
const FULL_CHECK_WINDOW = 64 * 1024 * 1024;

export interface RecoveryContext {
  readonly commitLog: CommitLog;
  readonly consumeQueues: ConsumeQueueTable;
  readonly indexService: IndexService | null;
  readonly dispatcher: CommitLogDispatcher;
  readonly checkpoint: StoreCheckpoint;
  readonly tagsCodeResolver: TagsCodeResolver | undefined;
  readonly checkCrc: boolean;
  readonly logger: Logger;
}

export interface RecoveryReport {
  abnormal: boolean;
  /** End of the valid CommitLog. */
  processOffset: number;
  scannedFrom: number;
  dispatchedFrom: number;
  scannedRecords: number;
  redispatchedRecords: number;
  stop: ScanStop;
  /** ConsumeQueue entries removed because their record was cut or their write was torn. */
  droppedQueueEntries: number;
  lastStoreTimestamp: number;
  durationMs: number;
}

function readRecordSync(commitLog: CommitLog, offset: number, size: number): StoredRecordMessage | undefined {
  const file = commitLog.queue.findMappedFileByOffset(offset);
  if (file === undefined || size <= 0 || offset - file.fileFromOffset + size > file.fileSize) return undefined;
  const buf = Buffer.allocUnsafe(size);
  const fd = fs.openSync(file.fileName, 'r');
  try {
    if (file.readSync(fd, buf, offset - file.fileFromOffset, size) !== size) return undefined;
  } finally {
    fs.closeSync(fd);
  }
  const check = checkStoredRecord(buf, 0, size, { checkCrc: false });
  return check.kind === 'message' ? check : undefined;
}

/**
 * Drops trailing entries that do not describe their record exactly (torn write of the queue file). Returns how
 * many went and, when some did, a CommitLog offset re-dispatch must start from to bring them back: the end of
 * the record of the queue's last good entry (always a record boundary), or the log start.
 */
function verifyQueueTailSync(ctx: RecoveryContext, queue: ConsumeQueue): { dropped: number; redispatchFrom: number } {
  let dropped = 0;
  const done = (redispatchFrom: number): { dropped: number; redispatchFrom: number } => ({
    dropped,
    redispatchFrom: dropped === 0 ? Number.MAX_SAFE_INTEGER : redispatchFrom,
  });
  for (let attempt = 0; attempt < 64; attempt++) {
    const last = queue.lastEntrySync();
    if (last === undefined || last.entry.size === CQ_BLANK_SIZE) return done(ctx.commitLog.minOffset);
    const { entry, offset } = last;
    const record = readRecordSync(ctx.commitLog, entry.commitLogOffset, entry.size);
    const expectedTags =
      record === undefined
        ? undefined
        : (ctx.tagsCodeResolver?.(record.topic, record.properties, record.storeTimestamp) ??
          tagsCodeOf(record.properties));
    if (
      record !== undefined &&
      record.size === entry.size &&
      record.topic === queue.topic &&
      record.queueId === queue.queueId &&
      record.queueOffset === offset &&
      expectedTags === entry.tagsCode
    )
      return done(entry.commitLogOffset + entry.size);
    ctx.logger.warn('dropping a consume queue entry that does not match its record', {
      topic: queue.topic,
      queueId: queue.queueId,
      queueOffset: offset,
    });
    queue.truncateToOffsetSync(offset);
    dropped++;
  }
  return done(ctx.commitLog.minOffset);
}

export function recoverStoreSync(ctx: RecoveryContext, abnormal: boolean): RecoveryReport {
  const started = Date.now();
  const { commitLog, consumeQueues, checkpoint, logger } = ctx;
  const files = commitLog.queue.mappedFiles;
  const report: RecoveryReport = {
    abnormal,
    processOffset: 0,
    scannedFrom: 0,
    dispatchedFrom: 0,
    scannedRecords: 0,
    redispatchedRecords: 0,
    stop: { kind: 'end' },
    droppedQueueEntries: 0,
    lastStoreTimestamp: 0,
    durationMs: 0,
  };
  if (files.length === 0) {
    // No CommitLog at all: every derived structure is stale (1.7).
    for (const queue of consumeQueues.all()) queue.destroySync();
    ctx.indexService?.truncateSync(0);
    commitLog.queue.setProcessOffset(0);
    commitLog.topicQueueTable.clear();
    report.durationMs = Date.now() - started;
    return report;
  }
  const fileSize = commitLog.fileSize;
  const first = files[0].fileFromOffset;
  const lastStart = files[files.length - 1].fileFromOffset;
  const end = files[files.length - 1].fileEndOffset;
  const known = (value: number): boolean => checkpoint.existed && value > 0 && value >= first && value <= end;
  const logicsOffset = known(checkpoint.logicsPhyOffset) ? checkpoint.logicsPhyOffset : first;
  let scanAnchor = Math.min(logicsOffset, lastStart);
  if (abnormal && known(checkpoint.masterFlushedOffset))
    scanAnchor = Math.min(scanAnchor, checkpoint.masterFlushedOffset);
  // Start at a segment start: always a record boundary, whatever the checkpoint says.
  const scanFrom = Math.max(first, scanAnchor - (scanAnchor % fileSize));
  // Far behind the checkpoint only the structure is checked; the last FULL_CHECK_WINDOW bytes before it and
  // everything after get the full check (CRC, lengths, torn-write signs).
  const scan = scanCommitLogSync(files, scanFrom, {
    checkCrc: ctx.checkCrc,
    lightBefore: scanAnchor - FULL_CHECK_WINDOW,
  });
  const processOffset = scan.endOffset;
  report.scannedFrom = scanFrom;
  report.scannedRecords = scan.records;
  report.stop = scan.stop;
  report.processOffset = processOffset;
  report.lastStoreTimestamp = scan.lastStoreTimestamp;
  if (scan.stop.kind === 'invalid')
    logger.warn('commit log cut at the first invalid record', { offset: processOffset, reason: scan.stop.reason });

  commitLog.queue.truncateDirtyFilesSync(processOffset);
  commitLog.queue.setProcessOffset(processOffset);
  let dispatchFrom = Math.min(logicsOffset, processOffset);
  for (const queue of consumeQueues.all()) {
    const before = queue.maxOffsetInQueue;
    queue.truncateDirtyLogicFilesSync(processOffset);
    report.droppedQueueEntries += before - queue.maxOffsetInQueue;
    const torn = verifyQueueTailSync(ctx, queue);
    report.droppedQueueEntries += torn.dropped;
    dispatchFrom = Math.min(dispatchFrom, torn.redispatchFrom);
  }
  ctx.indexService?.truncateSync(processOffset);

  const redispatch = (from: number): number =>
    scanCommitLogSync(files, from, { checkCrc: false, limit: processOffset }, (record, offset) => {
      ctx.dispatcher.dispatch(toDispatchRequest(record, offset, ctx.tagsCodeResolver), false);
      report.redispatchedRecords++;
    }).endOffset;
  if (redispatch(dispatchFrom) < processOffset && dispatchFrom > first) {
    logger.warn('checkpoint offset is not a record boundary; re-dispatching from the first segment', {
      logicsPhyOffset: dispatchFrom,
    });
    dispatchFrom = first;
    redispatch(first);
  }
  report.dispatchedFrom = dispatchFrom;

  commitLog.topicQueueTable.clear();
  for (const queue of consumeQueues.all())
    if (queue.maxOffsetInQueue > 0)
      commitLog.topicQueueTable.set(topicQueueKey(queue.topic, queue.queueId), queue.maxOffsetInQueue);
  commitLog.setLastStoreTimestamp(Math.max(scan.lastStoreTimestamp, ctx.dispatcher.lastStoreTimestamp));
  report.durationMs = Date.now() - started;
  return report;
}
