/**
 * ReputMessageService (broker-semantics.md 1.4): follows the CommitLog from `reputFromOffset` up to the
 * committed end and dispatches each record. Runs on the event loop in slices of `reputBatchBytes`, yielding
 * between slices; records are parsed in place (views of the write blocks, or one read per slice from disk).
 */
import { type Logger, MESSAGE_MAGIC_CODE_V1, MESSAGE_MAGIC_CODE_V2, checkStoredRecord } from '@rocketnest/protocol';
import type { CommitLog } from '../commit-log/commit-log.js';
import type { CommitLogDispatcher } from './commit-log-dispatcher.js';
import { type TagsCodeResolver, toDispatchRequest } from './dispatch-request.js';

const NO_CRC = Object.freeze({ checkCrc: false });

export class ReputMessageService {
  reputFromOffset = 0;
  /** Records that could not be parsed below the committed end ([BUG] upstream); must stay 0. */
  invalidRecords = 0;
  private running = false;
  private stopped = false;
  private waiters: { offset: number; resolve: () => void }[] = [];

  constructor(
    private readonly commitLog: CommitLog,
    private readonly dispatcher: CommitLogDispatcher,
    private readonly batchBytes: number,
    private readonly tagsCodeResolver: TagsCodeResolver | undefined,
    private readonly logger: Logger,
  ) {}

  /** Committed bytes not yet dispatched. */
  get behindBytes(): number {
    return Math.max(0, this.commitLog.committedWhere - this.reputFromOffset);
  }

  /** New committed data: dispatch it soon. */
  wakeup(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    setImmediate(() => void this.run());
  }

  /** Resolves once everything below `offset` (default: the committed end) is dispatched. */
  waitDispatched(offset = this.commitLog.committedWhere): Promise<void> {
    if (this.reputFromOffset >= offset || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push({ offset, resolve });
      this.wakeup();
    });
  }

  stop(): void {
    this.stopped = true;
    this.releaseWaiters(Number.MAX_SAFE_INTEGER);
  }

  private releaseWaiters(upTo: number): void {
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const waiter of this.waiters) {
      if (waiter.offset <= upTo) waiter.resolve();
      else still.push(waiter);
    }
    this.waiters = still;
  }

  private async run(): Promise<void> {
    try {
      let budget = this.batchBytes;
      while (!this.stopped && this.reputFromOffset < this.commitLog.committedWhere) {
        const done = await this.doReput(budget);
        budget -= done;
        this.releaseWaiters(this.reputFromOffset);
        if (budget <= 0) {
          // Give the event loop a turn before the next slice.
          await new Promise<void>((resolve) => setImmediate(resolve));
          budget = this.batchBytes;
        }
      }
    } catch (error) {
      this.logger.error('dispatch failed; will retry on the next write', { error: String(error) });
    } finally {
      this.running = false;
      this.releaseWaiters(this.reputFromOffset);
    }
    if (!this.stopped && this.reputFromOffset < this.commitLog.committedWhere) this.wakeup();
  }

  /** Dispatches up to `budget` bytes from reputFromOffset; returns the bytes consumed. */
  private async doReput(budget: number): Promise<number> {
    const start = this.reputFromOffset;
    const minOffset = this.commitLog.minOffset;
    if (start < minOffset) {
      // Files deleted before they were dispatched (1.4).
      this.logger.warn('reput offset below the CommitLog min offset; jumping', { reputFromOffset: start, minOffset });
      this.reputFromOffset = minOffset;
      return 0;
    }
    const file = this.commitLog.queue.findMappedFileByOffset(start);
    if (file === undefined) return budget;
    const pos = start - file.fileFromOffset;
    const committedInFile = file.committedPosition;
    if (pos >= committedInFile) {
      if (committedInFile >= file.fileSize) this.reputFromOffset = file.fileEndOffset;
      return budget;
    }
    const length = Math.min(committedInFile - pos, Math.max(budget, 64 * 1024));
    let data = file.readCachedFrom(pos, length) ?? (await file.read(pos, length));
    if (data === undefined) return budget;
    let at = 0;
    while (at < data.length) {
      const available = data.length - at;
      if (available >= 8) {
        const size = data.readInt32BE(at);
        const magic = data.readInt32BE(at + 4);
        if (
          (magic === MESSAGE_MAGIC_CODE_V1 || magic === MESSAGE_MAGIC_CODE_V2) &&
          size > available &&
          pos + at + size <= committedInFile
        ) {
          if (at > 0) break;
          // One record longer than the slice: read exactly it.
          const whole = await file.read(pos, size);
          if (whole === undefined) return budget;
          data = whole;
          continue;
        }
      } else if (pos + at + available < committedInFile) {
        break;
      }
      const check = checkStoredRecord(data, at, available, NO_CRC);
      if (check.kind === 'message') {
        const offset = file.fileFromOffset + pos + at;
        this.dispatcher.dispatch(toDispatchRequest(check, offset, this.tagsCodeResolver), true);
        at += check.size;
        this.reputFromOffset = offset + check.size;
      } else if (check.kind === 'blank') {
        this.reputFromOffset = file.fileEndOffset;
        return at + 8;
      } else {
        this.invalidRecords++;
        this.logger.error('[BUG] unparsable record below the committed end; skipping the rest of the file', {
          offset: file.fileFromOffset + pos + at,
          reason: check.kind === 'invalid' ? check.reason : 'zeros',
        });
        this.reputFromOffset = file.fileFromOffset + committedInFile;
        return at;
      }
    }
    return Math.max(at, 1);
  }
}
