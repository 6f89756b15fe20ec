/**
 * Flush modes and back-pressure (broker-semantics.md 1.8, 11.3): group commit, FLUSH_DISK_TIMEOUT, WAIT=false,
 * visibility of unwritten bytes, OS_PAGECACHE_BUSY, disk-full refusal, and an event-loop delay report.
 */
import * as fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MessageStore, PutMessageStatus, type StoreOptions } from '@rocketnest/store';
import { makeTempDir, message, removeDir, smallStoreOptions } from './helpers/store-fixtures.js';
import { verifyStoreConsistency } from './helpers/verify-store.js';

let dir: string | undefined;
let store: MessageStore | undefined;
afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  await store?.shutdown();
  store = undefined;
  await removeDir(dir);
  dir = undefined;
});

type Deps = Parameters<typeof MessageStore.open>[1];
async function open(options: StoreOptions = {}, deps: Deps = {}): Promise<MessageStore> {
  dir ??= await makeTempDir();
  store = await MessageStore.open(smallStoreOptions(dir, { mappedFileSizeCommitLog: 1024 * 1024, ...options }), deps);
  return store;
}

/** Durable end of the CommitLog (internal, to check what a resolved SYNC put promises). */
function flushedWhere(s: MessageStore): number {
  return (s as unknown as { commitLog: { flushedWhere: number } }).commitLog.flushedWhere;
}

async function until(condition: () => boolean, deadlineMs = 5000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('SYNC_FLUSH group commit', () => {
  it('resolves each put only once its bytes are durable, sharing fdatasyncs between concurrent puts', async () => {
    const s = await open({ flushDiskType: 'SYNC_FLUSH' });
    const puts = Array.from({ length: 64 }, (_, i) =>
      s.putMessage(message({ body: `m${i}` })).then((result) => {
        expect(flushedWhere(s)).toBeGreaterThanOrEqual(result.wroteOffset + result.wroteBytes);
        return result;
      }),
    );
    const results = await Promise.all(puts);
    expect(results.every((r) => r.status === PutMessageStatus.PUT_OK)).toBe(true);
    expect(s.getStats().commitLogFsyncs).toBeLessThan(64);
  });

  it('answers FLUSH_DISK_TIMEOUT when durability does not come within syncFlushTimeoutMs; the message is stored', async () => {
    let clock = 1_000_000;
    const s = await open({ flushDiskType: 'SYNC_FLUSH', syncFlushTimeoutMs: 5000 }, { now: () => clock });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const pending = s.putMessage(message({ body: 'late' }));
    // The deadline passes before the fdatasync (real I/O) can complete.
    clock += 5000;
    vi.advanceTimersByTime(5000);
    const result = await pending;
    vi.useRealTimers();
    expect(result.status).toBe(PutMessageStatus.FLUSH_DISK_TIMEOUT);
    await s.flush();
    expect((await s.lookMessageByOffset(result.wroteOffset))?.body.toString()).toBe('late');
  });

  it('does not wait for durability when WAIT is false', async () => {
    const s = await open({ flushDiskType: 'SYNC_FLUSH' });
    const result = await s.putMessage(message({ waitStoreMsgOK: false }));
    expect(result.status).toBe(PutMessageStatus.PUT_OK);
  });
});

describe('ASYNC_FLUSH', () => {
  it('hides appended bytes from readers until they are written, then flushes in the background', async () => {
    const s = await open({ flushIntervalCommitLogMs: 10, flushCommitLogLeastPages: 0 });
    const pending = s.putMessage(message());
    expect(s.getMaxPhyOffset()).toBe(0);
    const result = await pending;
    expect(result.status).toBe(PutMessageStatus.PUT_OK);
    expect(s.getMaxPhyOffset()).toBe(result.wroteBytes);
    await until(() => flushedWhere(s) >= result.wroteBytes);
  });
});

describe('write errors', () => {
  it('turns a failed write (ENOSPC) into UNKNOWN_ERROR, stops accepting puts and never stores the bytes', async () => {
    const s = await open();
    const kept = await s.putMessage(message({ body: 'kept' }));
    // Fault injection at the fs boundary: the next positional write of any FileHandle fails like a full disk.
    const probe = await fs.promises.open(`${dir as string}/probe`, 'w');
    const prototype = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<unknown> };
    await probe.close();
    vi.spyOn(prototype, 'write').mockRejectedValueOnce(
      Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }),
    );
    const failed = await s.putMessage(message({ body: 'lost' }));
    expect(failed.status).toBe(PutMessageStatus.UNKNOWN_ERROR);
    expect(failed.remark).toMatch(/^ENOSPC/);
    expect(s.getRunningState()).toMatchObject({ writable: false, writeError: expect.stringContaining('ENOSPC') });
    expect((await s.putMessage(message())).status).toBe(PutMessageStatus.SERVICE_NOT_AVAILABLE);
    expect((await s.lookMessageByOffset(kept.wroteOffset))?.body.toString()).toBe('kept');
    await s.shutdown();
    vi.restoreAllMocks();
    const reopened = await open();
    expect(reopened.recovery.abnormal).toBe(true);
    expect(reopened.getMaxPhyOffset()).toBe(kept.wroteBytes);
    await verifyStoreConsistency(reopened);
  });
});

describe('flow control', () => {
  it('answers OS_PAGECACHE_BUSY at once when the unwritten backlog is above maxPendingAppendBytes', async () => {
    const s = await open({ maxPendingAppendBytes: 1 });
    const first = s.putMessage(message());
    const second = await s.putMessage(message());
    expect(second.status).toBe(PutMessageStatus.OS_PAGECACHE_BUSY);
    expect((await first).status).toBe(PutMessageStatus.PUT_OK);
    expect((await s.putMessage(message())).status).toBe(PutMessageStatus.PUT_OK);
  });

  it('answers OS_PAGECACHE_BUSY when the oldest unwritten append is older than osPageCacheBusyTimeOutMs', async () => {
    let clock = 1_000_000;
    const s = await open({}, { now: () => clock });
    const first = s.putMessage(message());
    clock += 1001;
    expect(s.isOSPageCacheBusy()).toBe(true);
    expect(s.getFlowControlState()).toMatchObject({ osPageCacheBusy: true, oldestPendingAppendAgeMs: 1001 });
    expect((await s.putMessage(message())).status).toBe(PutMessageStatus.OS_PAGECACHE_BUSY);
    await first;
    expect(s.isOSPageCacheBusy()).toBe(false);
  });

  it('refuses puts with SERVICE_NOT_AVAILABLE while the disk is above the warning level', async () => {
    let usage = 95;
    const s = await open({}, { diskUsage: () => Promise.resolve(usage) });
    expect(s.getRunningState()).toMatchObject({ diskFull: true, writable: false });
    expect((await s.putMessage(message())).status).toBe(PutMessageStatus.SERVICE_NOT_AVAILABLE);
    usage = 50;
    await s.cleanFilesNow();
    expect((await s.putMessage(message())).status).toBe(PutMessageStatus.PUT_OK);
  });

  it('reports event-loop delay while 64 writers append 1 KiB messages (a report, not an assertion)', async () => {
    const s = await open({ mappedFileSizeCommitLog: 8 * 1024 * 1024, commitLogTailCacheBytes: 4 * 1024 * 1024 });
    const histogram = monitorEventLoopDelay({ resolution: 1 });
    histogram.enable();
    const body = Buffer.alloc(1024, 7);
    const started = performance.now();
    let stored = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        for (let i = 0; i < 100; i++)
          if ((await s.putMessage(message({ body }))).status === PutMessageStatus.PUT_OK) stored++;
      }),
    );
    await s.waitDispatched();
    histogram.disable();
    const ms = (ns: number): string => (ns / 1e6).toFixed(1);
    console.info(
      `[store] ${stored} x 1 KiB ASYNC puts in ${(performance.now() - started).toFixed(0)} ms; event-loop delay ` +
        `p50 ${ms(histogram.percentile(50))} ms, p99 ${ms(histogram.percentile(99))} ms, max ${ms(histogram.max)} ms`,
    );
    expect(stored).toBe(6400);
  });
});
