/**
 * Retention and disk protection (broker-semantics.md 1.9), every `cleanResourceIntervalMs`:
 *  - disk usage above diskSpaceWarningLevelRatio marks the store disk-full (puts: SERVICE_NOT_AVAILABLE)
 *    until it drops again;
 *  - CommitLog segments are deleted, oldest first and never the one being written, when the local hour is in
 *    `deleteWhen`, usage is above diskMaxUsedSpaceRatio, or a manual delete is pending; only segments older
 *    than fileReservedTime, unless usage is above diskSpaceCleanForciblyRatio; at most deleteFileBatchMax per
 *    run, stopping at the first one too young;
 *  - then ConsumeQueue files and index files wholly below the new CommitLog min offset go, and every queue's
 *    min offset moves up to its first entry still backed by the CommitLog.
 */
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '@rocketnest/protocol';
import type { CommitLog } from '../commit-log/commit-log.js';
import type { ConsumeQueueTable } from '../consume-queue/consume-queue-table.js';
import type { IndexService } from '../index/index-service.js';
import { type ResolvedStoreOptions, parseDeleteWhen } from '../store-options.js';
import type { DiskUsageProbe } from './disk-usage.js';

/** Manual deletion keeps triggering for this many runs (upstream MAX_MANUAL_DELETE_FILE_TIMES). */
const MANUAL_DELETE_RUNS = 20;

export interface CleanReport {
  diskUsagePercent: number;
  diskFull: boolean;
  triggeredBy: ('time' | 'space' | 'manual')[];
  deletedCommitLogFiles: number;
  deletedConsumeQueueFiles: number;
  deletedIndexFiles: number;
}

export interface CleanServiceDependencies {
  readonly options: ResolvedStoreOptions;
  readonly commitLog: CommitLog;
  readonly consumeQueues: ConsumeQueueTable;
  readonly indexService: IndexService | null;
  readonly diskUsage: DiskUsageProbe;
  readonly now: () => number;
  readonly logger: Logger;
  readonly setDiskFull: (full: boolean) => void;
}

export class CleanService {
  private timer: NodeJS.Timeout | null = null;
  private manualRuns = 0;
  private running: Promise<CleanReport> | null = null;
  private lastCorrectedMinOffset = -1;
  private readonly deleteHours: number[];

  constructor(private readonly deps: CleanServiceDependencies) {
    this.deleteHours = parseDeleteWhen(deps.options.deleteWhen);
  }

  start(): void {
    const { cleanResourceIntervalMs, cleanResourceInitialDelayMs } = this.deps.options;
    if (cleanResourceIntervalMs <= 0 || this.timer !== null) return;
    const tick = (): void => {
      this.timer = setTimeout(tick, cleanResourceIntervalMs);
      this.timer.unref();
      void this.run().catch((error: unknown) =>
        this.deps.logger.error('retention run failed', { error: String(error) }),
      );
    };
    this.timer = setTimeout(tick, cleanResourceInitialDelayMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Admin "delete expired files now": the next runs delete regardless of the hour (still by age). */
  requestManualDelete(): void {
    this.manualRuns = MANUAL_DELETE_RUNS;
  }

  /** Only the disk-full check (startup). */
  async checkDisk(): Promise<number> {
    const usage = await this.deps.diskUsage(path.join(this.deps.options.storePathRootDir, 'commitlog'));
    const full = usage > this.deps.options.diskSpaceWarningLevelRatio;
    this.deps.setDiskFull(full);
    if (full) this.deps.logger.error('disk almost full: refusing new messages', { diskUsagePercent: usage });
    return usage;
  }

  /** One run now (also what the timer does). Concurrent calls share the run in progress. */
  run(): Promise<CleanReport> {
    if (this.running !== null) return this.running;
    const run = this.doRun().finally(() => {
      this.running = null;
    });
    this.running = run;
    return run;
  }

  private async doRun(): Promise<CleanReport> {
    const { options, commitLog } = this.deps;
    const usage = await this.checkDisk();
    const triggeredBy: CleanReport['triggeredBy'] = [];
    if (this.deleteHours.includes(new Date(this.deps.now()).getHours())) triggeredBy.push('time');
    if (usage > options.diskMaxUsedSpaceRatio) triggeredBy.push('space');
    if (this.manualRuns > 0) {
      this.manualRuns--;
      triggeredBy.push('manual');
    }
    const report: CleanReport = {
      diskUsagePercent: usage,
      diskFull: usage > options.diskSpaceWarningLevelRatio,
      triggeredBy,
      deletedCommitLogFiles: 0,
      deletedConsumeQueueFiles: 0,
      deletedIndexFiles: 0,
    };
    if (triggeredBy.length > 0) {
      const force = options.cleanFileForciblyEnable && usage > options.diskSpaceCleanForciblyRatio;
      report.deletedCommitLogFiles = await this.deleteExpiredCommitLogFiles(force);
    }
    const minOffset = commitLog.minOffset;
    if (minOffset !== this.lastCorrectedMinOffset) {
      for (const queue of this.deps.consumeQueues.all()) {
        report.deletedConsumeQueueFiles += await queue.deleteExpiredFiles(minOffset);
        await queue.correctMinOffset(minOffset);
      }
      report.deletedIndexFiles = (await this.deps.indexService?.deleteExpiredFiles(minOffset)) ?? 0;
      this.lastCorrectedMinOffset = minOffset;
    }
    return report;
  }

  private async deleteExpiredCommitLogFiles(force: boolean): Promise<number> {
    const { options, commitLog, logger } = this.deps;
    const expiredMs = options.fileReservedTimeHours * 3_600_000;
    let deleted = 0;
    const files = [...commitLog.queue.mappedFiles];
    // Never the last segment: it is the one being written.
    for (let i = 0; i < files.length - 1 && deleted < options.deleteFileBatchMax; i++) {
      const file = files[i];
      if (file.isDestroyed) continue;
      const modified = await file.lastModifiedMs();
      if (!force && modified + expiredMs > this.deps.now()) break;
      if (deleted > 0 && options.deleteCommitLogFilesIntervalMs > 0)
        await delay(options.deleteCommitLogFilesIntervalMs);
      logger.info('deleting expired commit log segment', { fileName: file.fileName, forced: force });
      await file.destroy();
      deleted++;
    }
    if (deleted > 0) commitLog.queue.removeDestroyedHead();
    return deleted;
  }
}
