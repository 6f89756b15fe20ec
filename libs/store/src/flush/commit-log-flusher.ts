/**
 * Moves appended CommitLog bytes to disk (broker-semantics.md 1.8). Two loops run side by side:
 *   write loop  pwrite()s everything appended so far, repeatedly, coalescing whatever arrived meanwhile;
 *               a put is "written" (safe against a process crash, visible to readers) when it passes.
 *   flush loop  SYNC_FLUSH: while puts wait for durability, fdatasync()s up to the written end; one fdatasync
 *               completes every put below it (group commit). ASYNC_FLUSH: a timer flushes by the pages rule.
 * A write or sync error fails every waiting put and stops both loops: the store turns unwritable and never
 * writes bytes whose put was answered with an error.
 */
import type { Logger } from '@rocketnest/protocol';
import type { CommitLog } from '../commit-log/commit-log.js';
import { StoreWriteError } from '../store-errors.js';
import type { ResolvedStoreOptions } from '../store-options.js';
import { OffsetWaiters, type WaitOutcome } from './offset-waiters.js';

export interface CommitLogFlusherEvents {
  /** New bytes were committed (dispatch can follow). */
  onCommitted(committedWhere: number): void;
  /** New bytes are durable. */
  onFlushed(flushedWhere: number): void;
  /** Writing failed; the store must refuse puts from now on. */
  onError(error: Error): void;
}

export class CommitLogFlusher {
  private readonly writtenWaiters: OffsetWaiters;
  private readonly durableWaiters: OffsetWaiters;
  private writing = false;
  private flushing = false;
  private asyncTimer: NodeJS.Timeout | null = null;
  private lastThoroughFlushAt: number;
  private failure: Error | null = null;
  private stopped = false;
  /** fdatasync calls and puts they completed, for the measurements in the report. */
  readonly stats = { fsyncs: 0, writes: 0 };
  private idleResolvers: (() => void)[] = [];

  constructor(
    private readonly commitLog: CommitLog,
    private readonly options: ResolvedStoreOptions,
    private readonly logger: Logger,
    private readonly events: CommitLogFlusherEvents,
    private readonly now: () => number = Date.now,
  ) {
    this.writtenWaiters = new OffsetWaiters(options.syncFlushTimeoutMs, now);
    this.durableWaiters = new OffsetWaiters(options.syncFlushTimeoutMs, now);
    this.lastThoroughFlushAt = now();
  }

  get failed(): Error | null {
    return this.failure;
  }

  /** Appended bytes not yet written, or (SYNC_FLUSH) not yet durable: the flow-control measure. */
  get backlogBytes(): number {
    const end = this.commitLog.wroteOffset;
    return this.options.flushDiskType === 'SYNC_FLUSH'
      ? end - this.commitLog.flushedWhere
      : end - this.commitLog.committedWhere;
  }

  start(): void {
    if (this.options.flushDiskType === 'ASYNC_FLUSH' && this.asyncTimer === null) {
      this.asyncTimer = setInterval(() => this.asyncFlushTick(), this.options.flushIntervalCommitLogMs);
      this.asyncTimer.unref();
    }
  }

  /** Called after every append: starts the write loop if idle. */
  wakeup(): void {
    if (!this.writing && !this.stopped) void this.writeLoop();
  }

  /** Resolves when the put ending at `nextOffset` is written (ASYNC_FLUSH, or WAIT=false). */
  waitWritten(nextOffset: number): Promise<WaitOutcome> {
    if (this.failure !== null) return Promise.resolve({ kind: 'error', error: this.failure });
    if (this.commitLog.committedWhere >= nextOffset) return Promise.resolve({ kind: 'done' });
    return this.writtenWaiters.wait(nextOffset);
  }

  /** Resolves when the put ending at `nextOffset` is durable (SYNC_FLUSH). */
  waitDurable(nextOffset: number): Promise<WaitOutcome> {
    if (this.failure !== null) return Promise.resolve({ kind: 'error', error: this.failure });
    if (this.commitLog.flushedWhere >= nextOffset) return Promise.resolve({ kind: 'done' });
    const outcome = this.durableWaiters.wait(nextOffset);
    this.kickSyncFlush();
    return outcome;
  }

  private async writeLoop(): Promise<void> {
    this.writing = true;
    try {
      while (this.failure === null && this.commitLog.committedWhere < this.commitLog.wroteOffset) {
        await this.commitOnce();
        this.stats.writes++;
        const committed = this.commitLog.committedWhere;
        this.writtenWaiters.resolveUpTo(committed);
        this.events.onCommitted(committed);
        this.kickSyncFlush();
      }
    } catch (error) {
      this.fail(error);
    } finally {
      this.writing = false;
      this.notifyIdle();
    }
  }

  /** One write pass; a pass that moves nothing would spin forever, so it is a bug worth failing on. */
  private async commitOnce(): Promise<void> {
    const before = this.commitLog.committedWhere;
    await this.commitLog.queue.commit();
    if (this.commitLog.committedWhere === before)
      throw new StoreWriteError(
        `[BUG] commit made no progress at ${before} (appended up to ${this.commitLog.wroteOffset})`,
      );
  }

  private kickSyncFlush(): void {
    if (this.options.flushDiskType !== 'SYNC_FLUSH' || this.flushing || this.durableWaiters.size === 0) return;
    if (this.commitLog.flushedWhere >= this.commitLog.committedWhere) return;
    void this.syncFlushLoop();
  }

  private async syncFlushLoop(): Promise<void> {
    this.flushing = true;
    try {
      while (
        this.failure === null &&
        this.durableWaiters.size > 0 &&
        this.commitLog.flushedWhere < this.commitLog.committedWhere
      ) {
        await this.flushOnce(0);
        this.durableWaiters.resolveUpTo(this.commitLog.flushedWhere);
      }
    } catch (error) {
      this.fail(error);
    } finally {
      this.flushing = false;
      this.notifyIdle();
    }
  }

  private async flushOnce(leastPages: number): Promise<void> {
    const before = this.commitLog.flushedWhere;
    const flushed = await this.commitLog.queue.flush(leastPages);
    if (flushed > before) {
      this.stats.fsyncs++;
      this.events.onFlushed(flushed);
    }
  }

  private asyncFlushTick(): void {
    if (this.flushing || this.failure !== null || this.stopped) return;
    const now = this.now();
    let leastPages = this.options.flushCommitLogLeastPages;
    if (now - this.lastThoroughFlushAt >= this.options.flushCommitLogThoroughIntervalMs) {
      this.lastThoroughFlushAt = now;
      leastPages = 0;
    }
    this.flushing = true;
    void this.flushOnce(leastPages)
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.flushing = false;
        this.notifyIdle();
      });
  }

  private fail(error: unknown): void {
    if (this.failure !== null) return;
    const failure = error instanceof Error ? error : new StoreWriteError(`commit log write failed: ${String(error)}`);
    this.failure = failure;
    this.logger.error('commit log write failed; the store no longer accepts messages', {
      error: failure.message,
      code: (failure as NodeJS.ErrnoException).code,
      committedWhere: this.commitLog.committedWhere,
    });
    this.writtenWaiters.failAll(failure);
    this.durableWaiters.failAll(failure);
    this.events.onError(failure);
  }

  private notifyIdle(): void {
    if (this.writing || this.flushing) return;
    const resolvers = this.idleResolvers;
    this.idleResolvers = [];
    for (const resolve of resolvers) resolve();
  }

  private waitIdle(): Promise<void> {
    if (!this.writing && !this.flushing) return Promise.resolve();
    return new Promise((resolve) => this.idleResolvers.push(resolve));
  }

  /** Writes and fdatasyncs everything appended (shutdown, tests). No-op after a failure. */
  async flushAll(): Promise<void> {
    while (this.writing || this.flushing) await this.waitIdle();
    if (this.failure !== null) return;
    this.writing = true;
    this.flushing = true;
    try {
      while (this.commitLog.committedWhere < this.commitLog.wroteOffset) await this.commitOnce();
      this.events.onCommitted(this.commitLog.committedWhere);
      this.writtenWaiters.resolveUpTo(this.commitLog.committedWhere);
      await this.flushOnce(0);
      this.durableWaiters.resolveUpTo(this.commitLog.flushedWhere);
    } catch (error) {
      this.fail(error);
    } finally {
      this.writing = false;
      this.flushing = false;
      this.notifyIdle();
      if (this.commitLog.committedWhere < this.commitLog.wroteOffset) this.wakeup();
    }
  }

  /** Stops the loops; pending puts are answered (written ones done, others timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.asyncTimer !== null) clearInterval(this.asyncTimer);
    this.asyncTimer = null;
    while (this.writing || this.flushing) await this.waitIdle();
    this.writtenWaiters.resolveUpTo(this.commitLog.committedWhere);
    this.durableWaiters.resolveUpTo(this.commitLog.flushedWhere);
    this.writtenWaiters.expireAll();
    this.durableWaiters.expireAll();
    this.writtenWaiters.close();
    this.durableWaiters.close();
  }
}
