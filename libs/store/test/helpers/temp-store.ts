/** The per-test store of the store suites: a temp folder and the store opened in it, both gone after each test. */
import { afterEach } from 'vitest';
import { MessageStore, type StoreOptions } from '@rocketnest/store';
import { makeTempDir, removeDir, smallStoreOptions } from './store-fixtures.js';

export type StoreDeps = Parameters<typeof MessageStore.open>[1];

export interface TempStore {
  /** The test's folder: made by the first open(), or set by the test; removed after each test. */
  dir: string | undefined;
  /** The store the test opened last: shut down after each test (before its folder is removed). */
  store: MessageStore | undefined;
  /** Opens a store in `dir` with small files (smallStoreOptions plus `options`). */
  open(options?: StoreOptions, deps?: StoreDeps): Promise<MessageStore>;
}

/** Call at the top of a spec file: registers the afterEach that closes the store and removes the folder. */
export function useTempStore(): TempStore {
  const fx: TempStore = {
    dir: undefined,
    store: undefined,
    async open(options: StoreOptions = {}, deps?: StoreDeps): Promise<MessageStore> {
      fx.dir ??= await makeTempDir();
      fx.store = await MessageStore.open(smallStoreOptions(fx.dir, options), deps);
      return fx.store;
    },
  };
  afterEach(async () => {
    await fx.store?.shutdown();
    fx.store = undefined;
    await removeDir(fx.dir);
    fx.dir = undefined;
  });
  return fx;
}
