/**
 * Issue 4's store micro-benchmarks as Workloads: the MessageStore embedded in this process (appends with
 * ASYNC_FLUSH or SYNC_FLUSH from C writers, a catch-up read of the whole queue) and the raw `fs` baselines that
 * move the same bytes (one awaited positional write per record, optionally fdatasync'd; a sequential read).
 * One operation = one message (record); every round also reports the event-loop delay p99 of its measured phase.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  appendToStore,
  benchRecordBytes,
  openBenchStore,
  rawAppendLoop,
  rawSequentialRead,
  readStoreFromStart,
  type FlushDiskType,
  type MessageStore,
} from '@rocketnest/store';
import type { MeasurePlan, RoundContext, RoundMeasurement, SetupContext, Workload } from '../../harness/workload.js';

export const BODY_BYTES = 1024;
/** What a consumer asks per pull (pullBatchSize 32): the catch-up read's getMessage size. */
const PULL_BATCH = 32;
const RAW_FILL_CHUNK = 1024 * 1024;
/** The event-loop monitor's timer interval; its nominal interval is subtracted from each sample. */
const ELD_RESOLUTION_MS = 1;
const EVENT_LOOP_SETTING = 'p99 lateness of a 1 ms timer (monitorEventLoopDelay) over the measured phase';

interface Phase {
  readonly ops: number;
  readonly bytes?: number;
  readonly extra?: Record<string, number>;
  readonly incomplete?: string;
}

/** Runs `body` as the measured phase: wall time, this process's CPU, event-loop delay p99. */
async function measure(body: () => Promise<Phase>): Promise<RoundMeasurement> {
  const histogram = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
  const cpuBefore = process.cpuUsage();
  histogram.enable();
  const began = performance.now();
  const phase = await body();
  const durationMs = performance.now() - began;
  histogram.disable();
  const cpu = process.cpuUsage(cpuBefore);
  const extra: Record<string, number> = { ...phase.extra };
  if (histogram.count > 0) extra['eventLoopP99Ms'] = Math.max(0, histogram.percentile(99) / 1e6 - ELD_RESOLUTION_MS);
  return {
    messages: phase.ops,
    durationMs,
    bytes: phase.bytes,
    clientCpuUs: cpu.user + cpu.system,
    serverCpuUs: null,
    extra,
    incomplete: phase.incomplete,
  };
}

/** fdatasyncs during the phase; messages per fdatasync only when there was one (ASYNC_FLUSH may have none). */
function fdatasyncFigures(messages: number, fdatasyncs: number): Record<string, number> {
  return fdatasyncs > 0 ? { fdatasync: fdatasyncs, messagesPerFdatasync: messages / fdatasyncs } : { fdatasync: 0 };
}

const durabilityOf = (flush: FlushDiskType): 'async' | 'sync' => (flush === 'SYNC_FLUSH' ? 'sync' : 'async');
const flushLabel = (flush: FlushDiskType): string => (flush === 'SYNC_FLUSH' ? 'sync' : 'async');
const abortedNote = (signal: AbortSignal): string | undefined => (signal.aborted ? 'time cap reached' : undefined);

/** A round stops after the plan's message count or measure time, whichever comes first. */
const roundLimits = (plan: MeasurePlan): { maxMessages: number; maxMs: number } => ({
  maxMessages: plan.measureMessages,
  maxMs: plan.measureMs,
});

export function storeAppendKey(flush: FlushDiskType, writers: number): string {
  return `rocketnest-store/${flushLabel(flush)}-append-1k-w${writers}`;
}

/** Ours: `writers` concurrent putMessage loops into a fresh store per round (opened and destroyed untimed). */
export function storeAppendWorkload(flush: FlushDiskType, writers: number): Workload {
  let root = '';
  return {
    key: storeAppendKey(flush, writers),
    label: `Rocketnest store ${flush}, ${writers} writer${writers === 1 ? '' : 's'}`,
    owner: 'rocketnest',
    durability: durabilityOf(flush),
    requires: [],
    settings: {
      store: 'MessageStore in this process, fresh per round, default options (1 GiB segments, retention off)',
      flushDiskType: flush,
      writers,
      body: '1 KiB',
      recordBytes: benchRecordBytes(BODY_BYTES),
      operation: flush === 'SYNC_FLUSH' ? 'putMessage until durable (fdatasync)' : 'putMessage until written',
      eventLoop: EVENT_LOOP_SETTING,
    },
    async setup(context: SetupContext): Promise<void> {
      root = context.tempDir;
      // Untimed warm-up so the first round does not pay for JIT and first file creation.
      const store = await openBenchStore(path.join(root, 'warm-up'), flush);
      try {
        await appendToStore(store, {
          bodyBytes: BODY_BYTES,
          concurrency: writers,
          maxMessages: context.plan.warmUpMessages,
          maxMs: 1000,
          signal: context.signal,
        });
      } finally {
        await store.destroy();
      }
    },
    async run(context: RoundContext): Promise<RoundMeasurement> {
      const store = await openBenchStore(path.join(root, `round-${context.round}`), flush);
      try {
        return await measure(async () => {
          const r = await appendToStore(store, {
            bodyBytes: BODY_BYTES,
            concurrency: writers,
            ...roundLimits(context.plan),
            signal: context.signal,
          });
          return {
            ops: r.appended,
            bytes: r.appended * benchRecordBytes(BODY_BYTES),
            extra: {
              ...fdatasyncFigures(r.appended, r.commitLogFsyncs),
              pwrites: r.commitLogWrites,
              notOk: r.notOk,
            },
            incomplete: r.notOk > 0 ? `${r.notOk} puts not PUT_OK` : abortedNote(context.signal),
          };
        });
      } finally {
        await store.destroy();
      }
    },
    async teardown(): Promise<void> {
      root = '';
    },
  };
}

export function rawAppendKey(fdatasyncEach: boolean): string {
  return fdatasyncEach ? 'raw-fs/append-fdatasync-1k' : 'raw-fs/append-1k';
}

/** Baseline: one file per round, one awaited positional write per record of the store's record size. */
export function rawAppendWorkload(fdatasyncEach: boolean): Workload {
  let root = '';
  const recordBytes = benchRecordBytes(BODY_BYTES);
  const loop = async (file: string, maxRecords: number, maxMs: number, signal: AbortSignal): Promise<Phase> => {
    const handle = await fs.promises.open(file, 'w');
    try {
      const r = await rawAppendLoop(handle, { recordBytes, fdatasyncEach, maxRecords, maxMs, signal });
      return {
        ops: r.records,
        bytes: r.records * recordBytes,
        extra: fdatasyncFigures(r.records, r.fdatasyncs),
        incomplete: abortedNote(signal),
      };
    } finally {
      await handle.close();
      await fs.promises.rm(file, { force: true });
    }
  };
  return {
    key: rawAppendKey(fdatasyncEach),
    label: fdatasyncEach ? 'raw fs: write + fdatasync per record' : 'raw fs: sequential append',
    owner: 'peer',
    durability: fdatasyncEach ? 'sync' : 'async',
    requires: [],
    settings: {
      operation: fdatasyncEach
        ? 'FileHandle.write at the file end, then datasync, one record at a time'
        : 'FileHandle.write at the file end, one record at a time, no fsync',
      writers: 1,
      recordBytes,
      file: 'fresh per round',
      eventLoop: EVENT_LOOP_SETTING,
    },
    async setup(context: SetupContext): Promise<void> {
      root = context.tempDir;
      await loop(path.join(root, 'warm-up.bin'), context.plan.warmUpMessages, 1000, context.signal);
    },
    async run(context: RoundContext): Promise<RoundMeasurement> {
      const { maxMessages, maxMs } = roundLimits(context.plan);
      const file = path.join(root, `round-${context.round}.bin`);
      return measure(() => loop(file, maxMessages, maxMs, context.signal));
    },
    async teardown(): Promise<void> {
      root = '';
    },
  };
}

/** Catch-up data size: 1 GiB in full runs, 128 MiB with --quick. */
export function catchUpBytes(plan: MeasurePlan): number {
  return (plan.quick ? 128 : 1024) * 1024 * 1024;
}

const catchUpRecords = (plan: MeasurePlan): number => Math.ceil(catchUpBytes(plan) / benchRecordBytes(BODY_BYTES));
const catchUpSetting = '1 GiB (full run), 128 MiB (--quick), written once in setup';

/**
 * Ours: the data is appended once in setup (ASYNC_FLUSH, 64 writers), the store is shut down and reopened so
 * nothing is served from its in-memory write tail, then every round reads the queue from offset 0 to its end.
 */
export function storeCatchUpWorkload(): Workload {
  let store: MessageStore | null = null;
  return {
    key: 'rocketnest-store/catch-up-read',
    label: 'Rocketnest store catch-up read (getMessage x 32)',
    owner: 'rocketnest',
    durability: 'async',
    requires: [],
    settings: {
      data: catchUpSetting,
      recordBytes: benchRecordBytes(BODY_BYTES),
      operation: `getMessage(queue, offset, ${PULL_BATCH}) from offset 0 to the end, one queue`,
      cache: 'page cache warm (nothing dropped); store reopened after writing, so its write-tail cache is empty',
      eventLoop: EVENT_LOOP_SETTING,
    },
    async setup(context: SetupContext): Promise<void> {
      const root = path.join(context.tempDir, 'store');
      const records = catchUpRecords(context.plan);
      const writer = await openBenchStore(root, 'ASYNC_FLUSH');
      try {
        const r = await appendToStore(writer, {
          bodyBytes: BODY_BYTES,
          concurrency: 64,
          maxMessages: records,
          maxMs: 120_000,
          signal: context.signal,
        });
        if (r.appended < records) throw new Error(`catch-up data: ${r.appended} of ${records} messages appended`);
        await writer.flush();
      } finally {
        await writer.shutdown();
      }
      store = await openBenchStore(root, 'ASYNC_FLUSH');
    },
    async run(context: RoundContext): Promise<RoundMeasurement> {
      const open = store;
      if (open === null) throw new Error('catch-up read: run before setup');
      return measure(async () => {
        const r = await readStoreFromStart(open, PULL_BATCH, context.signal);
        return { ops: r.messages, bytes: r.bytes, incomplete: r.complete ? undefined : 'stopped before the end' };
      });
    },
    async teardown(): Promise<void> {
      await store?.destroy();
      store = null;
    },
  };
}

/** Baseline: a file of the same size (records x record bytes) written once in setup, read front to back per round. */
export function rawReadWorkload(chunk: 'pull-batch' | '1MiB'): Workload {
  let file = '';
  const recordBytes = benchRecordBytes(BODY_BYTES);
  // `pull-batch`: the bytes one getMessage of 32 records returns; `1MiB`: large reads, the cheapest way through.
  const chunkBytes = chunk === 'pull-batch' ? PULL_BATCH * recordBytes : 1024 * 1024;
  return {
    key: `raw-fs/sequential-read-${chunk}`,
    label: `raw fs: sequential read, ${chunk === 'pull-batch' ? `${PULL_BATCH} records` : '1 MiB'} per read`,
    owner: 'peer',
    durability: 'async',
    requires: [],
    settings: {
      data: catchUpSetting,
      recordBytes,
      operation: `FileHandle.read of ${chunkBytes} bytes into one reused buffer, front to back; ops = bytes / recordBytes`,
      cache: 'page cache warm (nothing dropped)',
      eventLoop: EVENT_LOOP_SETTING,
    },
    async setup(context: SetupContext): Promise<void> {
      file = path.join(context.tempDir, 'catch-up.bin');
      let remaining = catchUpRecords(context.plan) * recordBytes;
      const chunk = Buffer.alloc(RAW_FILL_CHUNK, 0x61);
      const handle = await fs.promises.open(file, 'w');
      try {
        for (let position = 0; remaining > 0 && !context.signal.aborted;) {
          const length = Math.min(chunk.length, remaining);
          await handle.write(chunk, 0, length, position);
          position += length;
          remaining -= length;
        }
      } finally {
        await handle.close();
      }
    },
    async run(context: RoundContext): Promise<RoundMeasurement> {
      return measure(async () => {
        const r = await rawSequentialRead(file, chunkBytes, context.signal);
        return {
          ops: Math.floor(r.bytes / recordBytes),
          bytes: r.bytes,
          incomplete: r.complete ? undefined : 'stopped before the end',
        };
      });
    },
    async teardown(): Promise<void> {
      if (file !== '') await fs.promises.rm(file, { force: true });
      file = '';
    },
  };
}
