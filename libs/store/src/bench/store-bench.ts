/**
 * Small measurement helpers for `npm run bench` (bench/ owns the benchmark itself): append N messages from C
 * concurrent writers and read them back through getMessage, and a raw fs baseline writing the same bytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
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
          const result = await store.putMessage({
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
          });
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
