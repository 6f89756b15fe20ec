/**
 * Persists the derived data (ConsumeQueues, index) and then the checkpoint, every
 * `flushIntervalConsumeQueueMs` (upstream FlushConsumeQueueService + index flush + checkpoint). The order is
 * what makes crash recovery cheap: the checkpoint's logicsPhyOffset is taken *before* the queues are written
 * and fdatasynced, and persisted only after, so every record below it has durable entries.
 */
import type { Logger } from '@rocketnest/protocol';
import type { StoreCheckpoint } from '../checkpoint/store-checkpoint.js';
import type { ConsumeQueueTable } from '../consume-queue/consume-queue-table.js';
import type { CommitLogDispatcher } from '../dispatch/commit-log-dispatcher.js';
import type { ReputMessageService } from '../dispatch/reput-message-service.js';
import type { IndexService } from '../index/index-service.js';
import { StoreWriteError } from '../store-errors.js';

export interface LogicFlushDependencies {
  readonly consumeQueues: ConsumeQueueTable;
  readonly indexService: IndexService | null;
  readonly reput: ReputMessageService;
  readonly dispatcher: CommitLogDispatcher;
  readonly checkpoint: StoreCheckpoint;
  readonly logger: Logger;
  /** Called when writing a queue or the index fails: the store stops accepting puts. */
  readonly onError: (error: Error) => void;
}

export class LogicFlushService {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private failed = false;

  constructor(
    private readonly deps: LogicFlushDependencies,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** One round; concurrent callers share it, and a call during a round runs another one after it. */
  flush(): Promise<void> {
    if (this.running !== null) return this.running.then(() => this.flush());
    const round = this.round().finally(() => {
      this.running = null;
    });
    this.running = round;
    return round;
  }

  private async round(): Promise<void> {
    if (this.failed) return;
    const { consumeQueues, indexService, reput, dispatcher, checkpoint } = this.deps;
    const dispatchedOffset = reput.reputFromOffset;
    const dispatchedTimestamp = dispatcher.lastStoreTimestamp;
    try {
      for (const queue of consumeQueues.all()) await queue.flush(0);
      const indexTimestamp = indexService === null ? 0 : await indexService.flush();
      checkpoint.logicsPhyOffset = dispatchedOffset;
      if (dispatchedTimestamp > 0) checkpoint.logicsMsgTimestamp = dispatchedTimestamp;
      if (indexTimestamp > 0) checkpoint.indexMsgTimestamp = indexTimestamp;
      await checkpoint.flush();
    } catch (error) {
      this.failed = true;
      this.deps.logger.error('consume queue / index flush failed; the store no longer accepts messages', {
        error: String(error),
      });
      this.deps.onError(error instanceof Error ? error : new StoreWriteError(`logic flush failed: ${String(error)}`));
    }
  }
}
