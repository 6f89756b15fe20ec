/**
 * Cross-checks a store against its own CommitLog, read back from disk: the log scans cleanly (CRC on) to its
 * max offset, every queue's entries describe exactly the records carrying those queue offsets, queue offsets
 * have no gap, and the index finds records by UNIQ_KEY.
 */
import * as path from 'node:path';
import { MessageConst, MessageSysFlag, NOOP_LOGGER, getTransactionValue, readProperty } from '@rocketnest/protocol';
import type { MessageStore } from '@rocketnest/store';
import { CQ_STORE_UNIT_SIZE, readConsumeQueueEntry, tagsCodeOf } from '@rocketnest/store';
import { MappedFileQueue } from '../../src/mapped-file/mapped-file-queue.js';
import { scanCommitLogSync } from '../../src/recovery/record-scan.js';

export interface ScannedRecord {
  offset: number;
  size: number;
  topic: string;
  queueId: number;
  queueOffset: number;
  sysFlag: number;
  tagsCode: number;
  uniqKey: string | undefined;
  storeTimestamp: number;
  /** Masked CRC32 of the body (verified by the scan). */
  bodyCRC: number;
  bodyLength: number;
}

export function scanRecordsOnDisk(store: MessageStore): { records: ScannedRecord[]; endOffset: number; stop: string } {
  const queue = new MappedFileQueue({
    storePath: path.join(store.options.storePathRootDir, 'commitlog'),
    fileSize: store.options.mappedFileSizeCommitLog,
    blockBytes: 4096,
    cacheBytes: 0,
    logger: NOOP_LOGGER,
  });
  queue.loadSync();
  const records: ScannedRecord[] = [];
  const scan = scanCommitLogSync(queue.mappedFiles, store.getMinPhyOffset(), { checkCrc: true }, (record, offset) => {
    records.push({
      offset,
      size: record.size,
      topic: record.topic,
      queueId: record.queueId,
      queueOffset: record.queueOffset,
      sysFlag: record.sysFlag,
      tagsCode: tagsCodeOf(record.properties),
      uniqKey: readProperty(record.properties, MessageConst.UNIQ_KEY),
      storeTimestamp: record.storeTimestamp,
      bodyCRC: record.bodyCRC,
      bodyLength: record.bodyLength,
    });
  });
  return { records, endOffset: scan.endOffset, stop: scan.stop.kind };
}

export interface VerifyOptions {
  /** Check the index for these keys only (default: every record). */
  indexKeys?: ReadonlySet<string>;
}

/** Throws (through expect-like errors) on the first disagreement; returns the scanned records. */
export async function verifyStoreConsistency(
  store: MessageStore,
  options: VerifyOptions = {},
): Promise<ScannedRecord[]> {
  await store.flush();
  const { records, endOffset, stop } = scanRecordsOnDisk(store);
  const fail = (message: string): never => {
    throw new Error(`store inconsistent: ${message}`);
  };
  if (endOffset !== store.getMaxPhyOffset())
    fail(`CommitLog scans to ${endOffset} (${stop}) but max offset is ${store.getMaxPhyOffset()}`);
  if (stop !== 'end' && stop !== 'blank-last-file') fail(`CommitLog scan stopped with ${stop}`);
  const byQueue = new Map<string, ScannedRecord[]>();
  for (const record of records) {
    const type = getTransactionValue(record.sysFlag);
    if (type !== MessageSysFlag.TRANSACTION_NOT_TYPE && type !== MessageSysFlag.TRANSACTION_COMMIT_TYPE) continue;
    const key = `${record.topic}\u0000${record.queueId}`;
    const list = byQueue.get(key) ?? [];
    list.push(record);
    byQueue.set(key, list);
  }
  for (const list of byQueue.values()) {
    const { topic, queueId } = list[0];
    const min = store.getMinOffsetInQueue(topic, queueId);
    const max = store.getMaxOffsetInQueue(topic, queueId);
    for (let i = 1; i < list.length; i++)
      if (list[i].queueOffset !== list[i - 1].queueOffset + 1)
        fail(`${topic}/${queueId}: queue offsets ${list[i - 1].queueOffset} then ${list[i].queueOffset}`);
    const last = list[list.length - 1];
    if (max !== last.queueOffset + 1) fail(`${topic}/${queueId}: max offset ${max}, last record ${last.queueOffset}`);
    const consumeQueue = store.getConsumeQueue(topic, queueId);
    if (consumeQueue === undefined) fail(`${topic}/${queueId}: no consume queue`);
    const byOffset = new Map(list.map((record) => [record.queueOffset, record]));
    for (let offset = min; offset < max;) {
      const slice = await consumeQueue?.getEntries(offset, 100_000);
      if (slice === undefined) fail(`${topic}/${queueId}@${offset}: entries unreadable`);
      for (let i = 0; i < (slice?.count ?? 0); i++) {
        const entry = readConsumeQueueEntry((slice as { buffer: Buffer }).buffer, i * CQ_STORE_UNIT_SIZE);
        const record = byOffset.get(offset + i);
        if (record === undefined) fail(`${topic}/${queueId}@${offset + i}: entry without record`);
        else if (
          entry.commitLogOffset !== record.offset ||
          entry.size !== record.size ||
          entry.tagsCode !== record.tagsCode
        )
          fail(`${topic}/${queueId}@${offset + i}: entry ${JSON.stringify(entry)} vs record at ${record.offset}`);
      }
      offset += slice?.count ?? 1;
    }
  }
  for (const topic of store.getTopics())
    for (const queueId of store.getQueueIds(topic))
      if (
        !byQueue.has(`${topic}\u0000${queueId}`) &&
        store.getMaxOffsetInQueue(topic, queueId) > store.getMinOffsetInQueue(topic, queueId)
      )
        fail(`${topic}/${queueId} has entries but no records in the CommitLog`);
  for (const record of records) {
    if (record.uniqKey === undefined) continue;
    if (options.indexKeys !== undefined && !options.indexKeys.has(record.uniqKey)) continue;
    const found = await store.queryMessage(
      record.topic,
      record.uniqKey,
      32,
      record.storeTimestamp - 1000,
      record.storeTimestamp + 1000,
    );
    if (!found.phyOffsets.includes(record.offset)) fail(`index misses UNIQ_KEY ${record.uniqKey} at ${record.offset}`);
  }
  const stats = store.getStats();
  if (stats.dispatchInvalidRecords !== 0 || stats.consumeQueueOrderErrors !== 0)
    fail(`dispatch errors ${JSON.stringify(stats)}`);
  return records;
}
