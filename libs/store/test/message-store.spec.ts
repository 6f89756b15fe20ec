/** MessageStore lifecycle and options: open/shutdown/destroy, closed-store behaviour, option validation. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeStoredMessage } from '@rocketnest/protocol';
import {
  DEFAULT_STORE_OPTIONS,
  MessageStore,
  StoreClosedError,
  StoreOptionsError,
  indexFileName,
  indexFileNameToTime,
  parseDeleteWhen,
  resolveStoreOptions,
} from '@rocketnest/store';
import { makeTempDir, message, smallStoreOptions } from './helpers/store-fixtures.js';
import { useTempStore } from './helpers/temp-store.js';

const fx = useTempStore();

describe('MessageStore lifecycle', () => {
  it('creates the directory layout, holds lock and abort files while open, and removes them at shutdown', async () => {
    fx.dir = await makeTempDir();
    const root = path.join(fx.dir, 'nested', 'store');
    fx.store = await MessageStore.open(smallStoreOptions(root));
    await fx.store.putMessage(message({ keys: 'k' }));
    await fx.store.flush();
    expect(fs.readdirSync(root).sort()).toEqual(['abort', 'checkpoint', 'commitlog', 'consumequeue', 'index', 'lock']);
    await fx.store.shutdown();
    await fx.store.shutdown();
    expect(fs.readdirSync(root).sort()).toEqual(['checkpoint', 'commitlog', 'consumequeue', 'index']);
    await expect(fx.store.getMessage('g', 'TopicTest', 0, 0, 1)).rejects.toBeInstanceOf(StoreClosedError);
  });

  it('serves reads of everything it acknowledged, from memory and after a restart from disk', async () => {
    fx.dir = await makeTempDir();
    fx.store = await MessageStore.open(smallStoreOptions(fx.dir));
    for (let i = 0; i < 50; i++) expect((await fx.store.putMessage(message({ body: `m${i}` }))).queueOffset).toBe(i);
    await fx.store.waitDispatched();
    const read = async (s: MessageStore): Promise<string[]> => {
      const seen: string[] = [];
      for (let offset = 0; offset < 50;) {
        const result = await s.getMessage('g', 'TopicTest', 0, offset, 32);
        seen.push(...result.messageBuffers.map((b) => decodeStoredMessage(b).body.toString()));
        offset = result.nextBeginOffset;
      }
      return seen;
    };
    const expected = Array.from({ length: 50 }, (_, i) => `m${i}`);
    expect(await read(fx.store)).toEqual(expected);
    await fx.store.shutdown();
    fx.store = await MessageStore.open(smallStoreOptions(fx.dir));
    expect(await read(fx.store)).toEqual(expected);
  });

  it('destroy() deletes the whole store directory', async () => {
    fx.dir = await makeTempDir();
    const root = path.join(fx.dir, 'store');
    const s = await MessageStore.open(smallStoreOptions(root));
    await s.putMessage(message());
    await s.destroy();
    expect(fs.existsSync(root)).toBe(false);
  });
});

describe('store options', () => {
  it('merges over frozen defaults, skipping undefined, and clamps the reclaim ratio', () => {
    const resolved = resolveStoreOptions({
      storePathRootDir: '/x',
      flushDiskType: undefined,
      diskMaxUsedSpaceRatio: 99,
    });
    expect(resolved.flushDiskType).toBe('ASYNC_FLUSH');
    expect(resolved.mappedFileSizeCommitLog).toBe(1024 * 1024 * 1024);
    expect(resolved.diskMaxUsedSpaceRatio).toBe(95);
    expect(Object.isFrozen(DEFAULT_STORE_OPTIONS)).toBe(true);
    expect(Object.isFrozen(resolved)).toBe(true);
  });

  it('rejects invalid values naming the field', () => {
    expect(() => resolveStoreOptions({ mappedFileSizeCommitLog: 0 })).toThrow(StoreOptionsError);
    expect(() => resolveStoreOptions({ mappedFileSizeCommitLog: 100 })).toThrow(/mappedFileSizeCommitLog/);
    expect(() => resolveStoreOptions({ flushDiskType: 'SOMETIMES' as 'SYNC_FLUSH' })).toThrow(/flushDiskType/);
  });

  it('parses deleteWhen hours', () => {
    expect(parseDeleteWhen('04')).toEqual([4]);
    expect(parseDeleteWhen('04;16; 23;x;99')).toEqual([4, 16, 23]);
  });

  it('names index files by local creation time and reads the time back', () => {
    const time = new Date(2024, 0, 2, 3, 4, 5, 6).getTime();
    expect(indexFileName(time)).toBe('20240102030405006');
    expect(indexFileNameToTime('20240102030405006')).toBe(time);
    expect(indexFileNameToTime('nope')).toBeUndefined();
  });
});
