/**
 * Store configuration (broker-semantics.md 1.2-1.9, 2.3, 11.3). Field names follow RocketMQ's
 * MessageStoreConfig with the unit appended; defaults are upstream's unless the comment says otherwise.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { RemotingError } from '@rocketnest/protocol';

export type FlushDiskType = 'ASYNC_FLUSH' | 'SYNC_FLUSH';
export type BrokerRole = 'ASYNC_MASTER' | 'SYNC_MASTER' | 'SLAVE';

export interface StoreOptions {
  /** Root of commitlog/, consumequeue/, index/, checkpoint, abort, lock. Default `~/store`. */
  storePathRootDir?: string;
  /** CommitLog segment size in bytes (1 GiB). Tests use a few KiB. */
  mappedFileSizeCommitLog?: number;
  /** Entries per ConsumeQueue file (300 000 x 20 bytes = 6 000 000 bytes). */
  consumeQueueEntriesPerFile?: number;
  flushDiskType?: FlushDiskType;
  /** SLAVE refuses puts (SERVICE_NOT_AVAILABLE) and suppresses offset corrections on pulls. */
  brokerRole?: BrokerRole;
  /** ASYNC_FLUSH: period of the CommitLog fdatasync (500 ms). */
  flushIntervalCommitLogMs?: number;
  /** ASYNC_FLUSH: flush only when this many 4 KiB pages are dirty (4) ... */
  flushCommitLogLeastPages?: number;
  /** ... except at least once per this interval (10 s). */
  flushCommitLogThoroughIntervalMs?: number;
  /** SYNC_FLUSH: a put not durable after this long answers FLUSH_DISK_TIMEOUT (5 s). */
  syncFlushTimeoutMs?: number;
  /** ConsumeQueue + index flush and checkpoint period (1 s). */
  flushIntervalConsumeQueueMs?: number;
  flushConsumeQueueLeastPages?: number;
  flushConsumeQueueThoroughIntervalMs?: number;
  /** Largest body accepted (4 MiB); a record may add up to 64 KiB of header, topic and properties. */
  maxMessageSize?: number;
  /** Build the key index (KEYS and UNIQ_KEY) on dispatch. */
  messageIndexEnable?: boolean;
  /** Hash slots per index file (5 000 000). */
  maxHashSlotNum?: number;
  /** Entries per index file (20 000 000). */
  maxIndexNum?: number;
  /** Upper bound of one key query (64). */
  maxMsgsNumBatch?: number;
  /** Verify body CRCs while scanning the CommitLog at recovery. */
  checkCRCOnRecover?: boolean;
  /** Age after which a CommitLog segment may be deleted (72 h; fractional hours allowed). */
  fileReservedTimeHours?: number;
  /** Local hours at which expired files are deleted, `;`-separated ("04"). */
  deleteWhen?: string;
  /** Disk usage percentage of the store partition above which expired files are deleted (75, clamped 10-95). */
  diskMaxUsedSpaceRatio?: number;
  /** Usage percentage above which files are deleted regardless of age (85). */
  diskSpaceCleanForciblyRatio?: number;
  /** Usage percentage above which puts are refused with SERVICE_NOT_AVAILABLE (90). */
  diskSpaceWarningLevelRatio?: number;
  cleanFileForciblyEnable?: boolean;
  /** At most this many files deleted per clean run (10). */
  deleteFileBatchMax?: number;
  /** Pause between two CommitLog file deletions (100 ms). */
  deleteCommitLogFilesIntervalMs?: number;
  /** Period of the retention / disk check (10 s). 0 disables the timer (tests call `cleanFilesNow`). */
  cleanResourceIntervalMs?: number;
  /** Delay before the first retention run (60 s). */
  cleanResourceInitialDelayMs?: number;
  /** A deleted file still read by someone is closed anyway after this long (120 s). */
  destroyMappedFileIntervalForciblyMs?: number;
  /** Share of RAM beyond which data behind the log head counts as "on disk" for pulls (40). */
  accessMessageInMemoryMaxRatio?: number;
  maxTransferBytesOnMessageInMemory?: number;
  maxTransferCountOnMessageInMemory?: number;
  maxTransferBytesOnMessageInDisk?: number;
  maxTransferCountOnMessageInDisk?: number;
  /** The oldest not yet written append older than this marks the store busy (1 s, 11.3). */
  osPageCacheBusyTimeOutMs?: number;
  /**
   * Flow control, Rocketnest-specific: appended bytes not yet written (ASYNC) or not yet durable (SYNC)
   * above this bound make puts answer OS_PAGECACHE_BUSY at once instead of queueing (64 MiB).
   */
  maxPendingAppendBytes?: number;
  /** Recently written CommitLog bytes kept in memory so pulls and dispatch skip the disk (64 MiB). */
  commitLogTailCacheBytes?: number;
  /** In-memory write buffer block size of the CommitLog (4 MiB; a larger record gets its own block). */
  commitLogWriteBlockBytes?: number;
  /** Consume queue entries per in-memory block; the last two blocks of each queue stay cached (1024). */
  consumeQueueCacheBlockEntries?: number;
  /** Dispatch yields to the event loop after this many bytes (1 MiB). */
  reputBatchBytes?: number;
}

export type ResolvedStoreOptions = Readonly<Required<StoreOptions>>;

export const DEFAULT_STORE_OPTIONS: ResolvedStoreOptions = Object.freeze({
  storePathRootDir: path.join(os.homedir(), 'store'),
  mappedFileSizeCommitLog: 1024 * 1024 * 1024,
  consumeQueueEntriesPerFile: 300_000,
  flushDiskType: 'ASYNC_FLUSH',
  brokerRole: 'ASYNC_MASTER',
  flushIntervalCommitLogMs: 500,
  flushCommitLogLeastPages: 4,
  flushCommitLogThoroughIntervalMs: 10_000,
  syncFlushTimeoutMs: 5_000,
  flushIntervalConsumeQueueMs: 1_000,
  flushConsumeQueueLeastPages: 2,
  flushConsumeQueueThoroughIntervalMs: 60_000,
  maxMessageSize: 4 * 1024 * 1024,
  messageIndexEnable: true,
  maxHashSlotNum: 5_000_000,
  maxIndexNum: 20_000_000,
  maxMsgsNumBatch: 64,
  checkCRCOnRecover: true,
  fileReservedTimeHours: 72,
  deleteWhen: '04',
  diskMaxUsedSpaceRatio: 75,
  diskSpaceCleanForciblyRatio: 85,
  diskSpaceWarningLevelRatio: 90,
  cleanFileForciblyEnable: true,
  deleteFileBatchMax: 10,
  deleteCommitLogFilesIntervalMs: 100,
  cleanResourceIntervalMs: 10_000,
  cleanResourceInitialDelayMs: 60_000,
  destroyMappedFileIntervalForciblyMs: 120_000,
  accessMessageInMemoryMaxRatio: 40,
  maxTransferBytesOnMessageInMemory: 256 * 1024,
  maxTransferCountOnMessageInMemory: 32,
  maxTransferBytesOnMessageInDisk: 64 * 1024,
  maxTransferCountOnMessageInDisk: 8,
  osPageCacheBusyTimeOutMs: 1_000,
  maxPendingAppendBytes: 64 * 1024 * 1024,
  commitLogTailCacheBytes: 64 * 1024 * 1024,
  commitLogWriteBlockBytes: 4 * 1024 * 1024,
  consumeQueueCacheBlockEntries: 1024,
  reputBatchBytes: 1024 * 1024,
});

/** Thrown for contradictory or out-of-range options; names the field. */
export class StoreOptionsError extends RemotingError {
  override name = 'StoreOptionsError';
  override readonly code = 'ERR_STORE_OPTIONS';
}

function positiveInteger(options: ResolvedStoreOptions, field: keyof StoreOptions): void {
  const value = options[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
    throw new StoreOptionsError(`store option ${field} must be a positive integer, got ${String(value)}`);
}

/** Merges `options` over the defaults (skipping `undefined`), validates, freezes. */
export function resolveStoreOptions(options: StoreOptions = {}): ResolvedStoreOptions {
  const merged: Record<string, unknown> = { ...DEFAULT_STORE_OPTIONS };
  for (const [key, value] of Object.entries(options)) if (value !== undefined) merged[key] = value;
  const resolved = merged as unknown as Required<StoreOptions>;
  for (const field of [
    'mappedFileSizeCommitLog',
    'consumeQueueEntriesPerFile',
    'flushIntervalCommitLogMs',
    'flushIntervalConsumeQueueMs',
    'syncFlushTimeoutMs',
    'maxMessageSize',
    'maxHashSlotNum',
    'maxIndexNum',
    'maxMsgsNumBatch',
    'deleteFileBatchMax',
    'maxPendingAppendBytes',
    'commitLogWriteBlockBytes',
    'consumeQueueCacheBlockEntries',
    'reputBatchBytes',
  ] as const)
    positiveInteger(resolved, field);
  if (resolved.mappedFileSizeCommitLog < 4096)
    throw new StoreOptionsError('store option mappedFileSizeCommitLog must be at least 4096 bytes');
  if (resolved.flushDiskType !== 'ASYNC_FLUSH' && resolved.flushDiskType !== 'SYNC_FLUSH')
    throw new StoreOptionsError(`store option flushDiskType must be ASYNC_FLUSH or SYNC_FLUSH`);
  if (!['ASYNC_MASTER', 'SYNC_MASTER', 'SLAVE'].includes(resolved.brokerRole))
    throw new StoreOptionsError(`store option brokerRole must be ASYNC_MASTER, SYNC_MASTER or SLAVE`);
  if (!(resolved.fileReservedTimeHours >= 0)) throw new StoreOptionsError('store option fileReservedTimeHours < 0');
  // Upstream clamps the reclaim ratio rather than rejecting it.
  resolved.diskMaxUsedSpaceRatio = Math.min(95, Math.max(10, resolved.diskMaxUsedSpaceRatio));
  if (resolved.storePathRootDir.length === 0) throw new StoreOptionsError('store option storePathRootDir is empty');
  return Object.freeze(resolved);
}

/** Hours listed in `deleteWhen` ("04;16" -> [4, 16]); invalid parts are ignored as upstream does. */
export function parseDeleteWhen(deleteWhen: string): number[] {
  return deleteWhen
    .split(';')
    .map((part) => part.trim())
    .filter((part) => /^\d{1,2}$/.test(part))
    .map(Number)
    .filter((hour) => hour < 24);
}
