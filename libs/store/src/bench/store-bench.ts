/**
 * Small measurement helpers for `npm run bench` (bench/ owns the benchmark itself): append N messages from C
 * concurrent writers and read them back through getMessage, and a raw fs baseline writing the same bytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CommitLog } from '../commit-log/commit-log.js';
import type { PutMessageRequest } from '../commit-log/put-message-request.js';
import { MessageStore } from '../message-store.js';
import { PutMessageStatus } from '../put-message-result.js';
import type { FlushDiskType, StoreOptions } from '../store-options.js';

export interface StoreBenchOptions {
  /** An empty directory; the store is destroyed (deleted) afterwards. */
  storePathRootDir: string;
  messages: number;
  bodyBytes: number;
  concurrency: number;
  flushDiskType: FlushDiskType;
  storeOptions?: StoreOptions;
}

export interface StoreBenchResult {
  appendMs: number;
  appendsPerSecond: number;
  appendMiBPerSecond: number;
  readMs: number;
  readsPerSecond: number;
  commitLogFsyncs: number;
  commitLogWrites: number;
  /** Put outcomes other than PUT_OK (busy, timeouts). */
  notOk: number;
}

const TOPIC = 'BenchTopic';

export async function benchmarkStore(options: StoreBenchOptions): Promise<StoreBenchResult> {
  const store = await MessageStore.open({
    cleanResourceIntervalMs: 0,
    ...options.storeOptions,
    storePathRootDir: options.storePathRootDir,
    flushDiskType: options.flushDiskType,
  });
  try {
    const body = Buffer.alloc(options.bodyBytes, 0x61);
    let next = 0;
    let notOk = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < options.messages) {
          next++;
          const result = await store.putMessage(benchPutRequest(body));
          if (result.status !== PutMessageStatus.PUT_OK) notOk++;
        }
      }),
    );
    const appendMs = performance.now() - started;
    await store.waitDispatched();
    const readStarted = performance.now();
    let offset = 0;
    let read = 0;
    for (;;) {
      const result = await store.getMessage('bench', TOPIC, 0, offset, 32);
      read += result.messageBuffers.length;
      if (result.nextBeginOffset === offset || result.status === 'OFFSET_OVERFLOW_ONE') break;
      offset = result.nextBeginOffset;
    }
    const readMs = performance.now() - readStarted;
    const stats = store.getStats();
    const appended = options.messages - notOk;
    return {
      appendMs,
      appendsPerSecond: (appended * 1000) / appendMs,
      appendMiBPerSecond: (appended * options.bodyBytes * 1000) / appendMs / (1024 * 1024),
      readMs,
      readsPerSecond: (read * 1000) / readMs,
      commitLogFsyncs: stats.commitLogFsyncs,
      commitLogWrites: stats.commitLogWrites,
      notOk,
    };
  } finally {
    await store.destroy();
  }
}

/**
 * Baseline: the same number of records of the same size appended to one file with awaited positional writes,
 * one per record (`chunkRecords` = 1) or grouped; optionally an fdatasync per write.
 */
export async function benchmarkRawAppend(options: {
  dir: string;
  records: number;
  recordBytes: number;
  chunkRecords: number;
  fdatasyncEach: boolean;
}): Promise<{ ms: number; recordsPerSecond: number }> {
  const file = path.join(options.dir, 'raw-append.bin');
  const handle = await fs.promises.open(file, 'w+');
  try {
    const chunk = Buffer.alloc(options.recordBytes * options.chunkRecords, 0x61);
    const started = performance.now();
    let position = 0;
    for (let written = 0; written < options.records; written += options.chunkRecords) {
      await handle.write(chunk, 0, chunk.length, position);
      position += chunk.length;
      if (options.fdatasyncEach) await handle.datasync();
    }
    const ms = performance.now() - started;
    return { ms, recordsPerSecond: (options.records * 1000) / ms };
  } finally {
    await handle.close();
    await fs.promises.rm(file, { force: true });
  }
}

// ---- building blocks for the harness's store workloads (bench/workloads/store) ----

/** The put request the store benchmarks append: one queue, no properties, `body` shared (never copied). */
export function benchPutRequest(body: Buffer): PutMessageRequest {
  return {
    topic: TOPIC,
    queueId: 0,
    flag: 0,
    sysFlag: 0,
    bornTimestamp: Date.now(),
    bornHost: '127.0.0.1:50000',
    storeHost: '127.0.0.1:10911',
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    body,
    properties: '',
  };
}

/** Bytes one benchmark message of `bodyBytes` takes in the CommitLog: what a raw baseline writes per record. */
export function benchRecordBytes(bodyBytes: number): number {
  return CommitLog.messageSize(benchPutRequest(Buffer.alloc(bodyBytes)));
}

/** Opens a store for benchmarking: retention timer off, the rest as given. */
export function openBenchStore(
  storePathRootDir: string,
  flushDiskType: FlushDiskType,
  storeOptions: StoreOptions = {},
): Promise<MessageStore> {
  return MessageStore.open({ cleanResourceIntervalMs: 0, ...storeOptions, storePathRootDir, flushDiskType });
}

export interface StoreAppendLoopOptions {
  bodyBytes: number;
  concurrency: number;
  /** Stop after this many puts were started... */
  maxMessages: number;
  /** ...or once this much time has passed (ms), or the signal fired. */
  maxMs: number;
  signal?: AbortSignal;
}

export interface StoreAppendLoopResult {
  /** Puts answered PUT_OK, and the others. */
  appended: number;
  notOk: number;
  ms: number;
  /** CommitLog pwrite batches and fdatasyncs during the loop. */
  commitLogWrites: number;
  commitLogFsyncs: number;
}

/** `concurrency` writers, each awaiting its put before the next, against an open store. */
export async function appendToStore(
  store: MessageStore,
  options: StoreAppendLoopOptions,
): Promise<StoreAppendLoopResult> {
  const body = Buffer.alloc(options.bodyBytes, 0x61);
  const before = store.getStats();
  let started = 0;
  let appended = 0;
  let notOk = 0;
  const begin = performance.now();
  const deadline = begin + options.maxMs;
  const more = (): boolean =>
    started < options.maxMessages && options.signal?.aborted !== true && performance.now() < deadline;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (more()) {
        started++;
        const result = await store.putMessage(benchPutRequest(body));
        if (result.status === PutMessageStatus.PUT_OK) appended++;
        else notOk++;
      }
    }),
  );
  const ms = performance.now() - begin;
  const after = store.getStats();
  return {
    appended,
    notOk,
    ms,
    commitLogWrites: after.commitLogWrites - before.commitLogWrites,
    commitLogFsyncs: after.commitLogFsyncs - before.commitLogFsyncs,
  };
}

/** Reads the benchmark queue from offset 0 to its end, `maxMsgNums` per getMessage, as a catching-up consumer. */
export async function readStoreFromStart(
  store: MessageStore,
  maxMsgNums: number,
  signal?: AbortSignal,
): Promise<{ messages: number; bytes: number; ms: number; complete: boolean }> {
  const end = store.getMaxOffsetInQueue(TOPIC, 0);
  const begin = performance.now();
  let offset = 0;
  let messages = 0;
  let bytes = 0;
  while (offset < end && signal?.aborted !== true) {
    const result = await store.getMessage('bench', TOPIC, 0, offset, maxMsgNums);
    if (result.nextBeginOffset <= offset) break;
    messages += result.messageBuffers.length;
    bytes += result.bufferTotalSize;
    offset = result.nextBeginOffset;
  }
  return { messages, bytes, ms: performance.now() - begin, complete: offset >= end };
}

/**
 * Baseline: records of `recordBytes` appended to an open file by awaited positional writes, one record per write,
 * optionally an fdatasync after each; stops like `appendToStore`.
 */
export async function rawAppendLoop(
  handle: fs.promises.FileHandle,
  options: { recordBytes: number; fdatasyncEach: boolean; maxRecords: number; maxMs: number; signal?: AbortSignal },
): Promise<{ records: number; ms: number; fdatasyncs: number }> {
  const record = Buffer.alloc(options.recordBytes, 0x61);
  let position = (await handle.stat()).size;
  let records = 0;
  let fdatasyncs = 0;
  const begin = performance.now();
  const deadline = begin + options.maxMs;
  while (records < options.maxRecords && options.signal?.aborted !== true && performance.now() < deadline) {
    await handle.write(record, 0, record.length, position);
    position += record.length;
    records++;
    if (options.fdatasyncEach) {
      await handle.datasync();
      fdatasyncs++;
    }
  }
  return { records, ms: performance.now() - begin, fdatasyncs };
}

/** Baseline: reads a whole file front to back with `chunkBytes` reads into one reused buffer. */
export async function rawSequentialRead(
  file: string,
  chunkBytes: number,
  signal?: AbortSignal,
): Promise<{ bytes: number; ms: number; complete: boolean }> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const buffer = Buffer.allocUnsafe(chunkBytes);
    let position = 0;
    const begin = performance.now();
    while (position < size && signal?.aborted !== true) {
      const { bytesRead } = await handle.read(buffer, 0, chunkBytes, position);
      if (bytesRead === 0) break;
      position += bytesRead;
    }
    return { bytes: position, ms: performance.now() - begin, complete: position >= size };
  } finally {
    await handle.close();
  }
}
