/**
 * The pull lookup (broker-semantics.md 2.3): statuses, nextBeginOffset, the scan window and batch limits.
 * Tag filtering uses only ConsumeQueue data; records are read afterwards, adjacent ones with one read.
 */
import * as os from 'node:os';
import type { CommitLog } from '../commit-log/commit-log.js';
import { CQ_BLANK_SIZE, CQ_STORE_UNIT_SIZE, readConsumeQueueEntry } from '../consume-queue/consume-queue-entry.js';
import type { ConsumeQueue } from '../consume-queue/consume-queue.js';
import {
  GetMessageStatus,
  type GetMessageResult,
  type RecordFilter,
  type TagsCodeFilter,
} from '../get-message-result.js';
import type { ResolvedStoreOptions } from '../store-options.js';

export interface GetMessageRequest {
  offset: number;
  maxMsgNums: number;
  /** Extra cap on the bytes returned (the broker may pass its own limit). */
  maxTotalBytes?: number;
  tagFilter?: TagsCodeFilter;
  recordFilter?: RecordFilter;
}

interface Candidate {
  readonly queueOffset: number;
  readonly phyOffset: number;
  readonly size: number;
}

const TOTAL_MEMORY = os.totalmem();

function emptyResult(status: GetMessageStatus, next: number, min: number, max: number): GetMessageResult {
  return {
    status,
    nextBeginOffset: next,
    minOffset: min,
    maxOffset: max,
    messageBuffers: [],
    queueOffsets: [],
    bufferTotalSize: 0,
    suggestPullingFromSlave: false,
  };
}

export async function getMessageFromQueue(
  options: ResolvedStoreOptions,
  commitLog: CommitLog,
  queue: ConsumeQueue | undefined,
  request: GetMessageRequest,
): Promise<GetMessageResult> {
  const offset = request.offset;
  // A slave may just be behind: it never moves a consumer's offset (2.3).
  const correct = (corrected: number): number => (options.brokerRole === 'SLAVE' ? offset : corrected);
  if (queue === undefined) return emptyResult(GetMessageStatus.NO_MATCHED_LOGIC_QUEUE, correct(0), 0, 0);
  const min = queue.minOffsetInQueue;
  const max = queue.maxOffsetInQueue;
  if (max === 0) return emptyResult(GetMessageStatus.NO_MESSAGE_IN_QUEUE, correct(0), min, max);
  if (offset < min) return emptyResult(GetMessageStatus.OFFSET_TOO_SMALL, correct(min), min, max);
  if (offset === max) return emptyResult(GetMessageStatus.OFFSET_OVERFLOW_ONE, offset, min, max);
  if (offset > max) return emptyResult(GetMessageStatus.OFFSET_OVERFLOW_BADLY, correct(max), min, max);

  const maxEntries = Math.floor(Math.max(16000, request.maxMsgNums * CQ_STORE_UNIT_SIZE) / CQ_STORE_UNIT_SIZE);
  const slice = await queue.getEntries(offset, maxEntries);
  if (slice === undefined)
    return emptyResult(GetMessageStatus.OFFSET_FOUND_NULL, correct(queue.rollNextFile(offset)), min, max);

  const maxPhyOffset = commitLog.maxOffset;
  const memoryBytes = (TOTAL_MEMORY * options.accessMessageInMemoryMaxRatio) / 100;
  const maxTotalBytes = request.maxTotalBytes ?? Number.MAX_SAFE_INTEGER;
  const candidates: Candidate[] = [];
  let plannedBytes = 0;
  let scanned = 0;
  let maxPhyOffsetPulling = 0;
  let status: GetMessageStatus = GetMessageStatus.NO_MATCHED_MESSAGE;
  for (; scanned < slice.count; scanned++) {
    const entry = readConsumeQueueEntry(slice.buffer, scanned * CQ_STORE_UNIT_SIZE);
    if (entry.size === CQ_BLANK_SIZE) continue;
    maxPhyOffsetPulling = entry.commitLogOffset;
    const inDisk = maxPhyOffset - entry.commitLogOffset > memoryBytes;
    if (isBatchFull(options, entry.size, candidates.length, plannedBytes, request.maxMsgNums, inDisk, maxTotalBytes))
      break;
    if (request.tagFilter !== undefined && !request.tagFilter(entry.tagsCode)) continue;
    candidates.push({ queueOffset: slice.startOffset + scanned, phyOffset: entry.commitLogOffset, size: entry.size });
    plannedBytes += entry.size;
  }

  const buffers: Buffer[] = [];
  const queueOffsets: number[] = [];
  let total = 0;
  let removedBefore = -1;
  for (const [candidate, record] of await readRecords(commitLog, candidates)) {
    if (record === undefined) {
      // Its segment is gone (retention): MESSAGE_WAS_REMOVING unless something was found.
      if (total === 0) status = GetMessageStatus.MESSAGE_WAS_REMOVING;
      removedBefore = commitLog.rollNextFile(candidate.phyOffset);
      continue;
    }
    if (candidate.phyOffset < removedBefore) continue;
    if (request.recordFilter !== undefined && !request.recordFilter(record)) {
      if (total === 0) status = GetMessageStatus.NO_MATCHED_MESSAGE;
      continue;
    }
    buffers.push(record);
    queueOffsets.push(candidate.queueOffset);
    total += record.length;
    status = GetMessageStatus.FOUND;
  }
  return {
    status,
    nextBeginOffset: offset + scanned,
    minOffset: min,
    maxOffset: max,
    messageBuffers: buffers,
    queueOffsets,
    bufferTotalSize: total,
    suggestPullingFromSlave: maxPhyOffset - maxPhyOffsetPulling > memoryBytes,
  };
}

/** Upstream `isTheBatchFull`, plus the caller's byte cap. Never full while nothing is collected. */
function isBatchFull(
  options: ResolvedStoreOptions,
  size: number,
  count: number,
  bytes: number,
  maxMsgNums: number,
  inDisk: boolean,
  maxTotalBytes: number,
): boolean {
  if (count === 0) return false;
  if (count >= maxMsgNums) return true;
  if (bytes + size > maxTotalBytes) return true;
  if (inDisk)
    return (
      bytes + size > options.maxTransferBytesOnMessageInDisk || count > options.maxTransferCountOnMessageInDisk - 1
    );
  return (
    bytes + size > options.maxTransferBytesOnMessageInMemory || count > options.maxTransferCountOnMessageInMemory - 1
  );
}

/**
 * Reads the candidates' records: cached ones as views; runs of adjacent records on disk (one producer per
 * queue is the common case) with one read each, then sliced.
 */
async function readRecords(
  commitLog: CommitLog,
  candidates: readonly Candidate[],
): Promise<[Candidate, Buffer | undefined][]> {
  const records: (Buffer | undefined)[] = candidates.map((c) => commitLog.getCachedData(c.phyOffset, c.size));
  let i = 0;
  while (i < candidates.length) {
    if (records[i] !== undefined) {
      i++;
      continue;
    }
    const fileEnd = commitLog.rollNextFile(candidates[i].phyOffset);
    let j = i + 1;
    while (
      j < candidates.length &&
      records[j] === undefined &&
      candidates[j].phyOffset === candidates[j - 1].phyOffset + candidates[j - 1].size &&
      candidates[j].phyOffset + candidates[j].size <= fileEnd
    )
      j++;
    const start = candidates[i].phyOffset;
    const end = candidates[j - 1].phyOffset + candidates[j - 1].size;
    const run = await commitLog.getData(start, end - start);
    for (let k = i; k < j; k++) {
      const c = candidates[k];
      records[k] =
        run === undefined
          ? await commitLog.getData(c.phyOffset, c.size)
          : run.subarray(c.phyOffset - start, c.phyOffset - start + c.size);
    }
    i = j;
  }
  return candidates.map((c, k) => [c, records[k]]);
}
