/** Shared helpers of the store tests: temp dirs, message builders, small-file options. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeProperties } from '@rocketnest/protocol';
import type { PutMessageRequest, StoreOptions } from '@rocketnest/store';

export const STORE_HOST = '127.0.0.1:10911';
export const BORN_HOST = '10.0.0.7:53412';

export async function makeTempDir(prefix = 'rocketnest-store-'): Promise<string> {
  return fs.promises.mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir !== undefined) await fs.promises.rm(dir, { recursive: true, force: true });
}

/** Tiny files and no background timers that would fire during a test. */
export function smallStoreOptions(dir: string, overrides: StoreOptions = {}): StoreOptions {
  return {
    storePathRootDir: dir,
    mappedFileSizeCommitLog: 4096,
    consumeQueueEntriesPerFile: 16,
    maxHashSlotNum: 64,
    maxIndexNum: 32,
    commitLogWriteBlockBytes: 1024,
    commitLogTailCacheBytes: 2048,
    consumeQueueCacheBlockEntries: 4,
    cleanResourceIntervalMs: 0,
    flushIntervalConsumeQueueMs: 60_000,
    deleteCommitLogFilesIntervalMs: 0,
    ...overrides,
  };
}

export interface MessageSpec {
  topic?: string;
  queueId?: number;
  body?: string | Buffer;
  tags?: string;
  keys?: string;
  uniqKey?: string;
  extra?: Record<string, string>;
  sysFlag?: number;
  waitStoreMsgOK?: boolean;
}

export function message(spec: MessageSpec = {}): PutMessageRequest {
  const properties: Record<string, string> = { ...(spec.extra ?? {}) };
  if (spec.tags !== undefined) properties.TAGS = spec.tags;
  if (spec.keys !== undefined) properties.KEYS = spec.keys;
  if (spec.uniqKey !== undefined) properties.UNIQ_KEY = spec.uniqKey;
  const body = spec.body ?? 'hello';
  return {
    topic: spec.topic ?? 'TopicTest',
    queueId: spec.queueId ?? 0,
    flag: 0,
    sysFlag: spec.sysFlag ?? 0,
    bornTimestamp: 1_700_000_000_000,
    bornHost: BORN_HOST,
    storeHost: STORE_HOST,
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    body: typeof body === 'string' ? Buffer.from(body) : body,
    properties: encodeProperties(properties),
    waitStoreMsgOK: spec.waitStoreMsgOK,
  };
}
