import { afterEach, describe, expect, it } from 'vitest';
import { decodeStoredMessage } from '@rocketnest/protocol';
import { MessageStore } from '@rocketnest/store';
import { makeTempDir, message, removeDir, smallStoreOptions } from './helpers/store-fixtures.js';

let dir: string | undefined;
let store: MessageStore | undefined;
afterEach(async () => {
  await store?.shutdown();
  await removeDir(dir);
});

describe('smoke', () => {
  it('puts and gets', async () => {
    dir = await makeTempDir();
    store = await MessageStore.open(smallStoreOptions(dir));
    for (let i = 0; i < 100; i++) {
      const r = await store.putMessage(message({ body: `m${i}`, tags: 'A', keys: `k${i}` }));
      expect(r.status).toBe('PUT_OK');
      expect(r.queueOffset).toBe(i);
    }
    await store.waitDispatched();
    expect(store.getMaxOffsetInQueue('TopicTest', 0)).toBe(100);
    let off = 0;
    const seen: string[] = [];
    while (off < 100) {
      const g = await store.getMessage('g', 'TopicTest', 0, off, 32);
      expect(g.status).toBe('FOUND');
      for (const b of g.messageBuffers) seen.push(decodeStoredMessage(b).body.toString());
      off = g.nextBeginOffset;
    }
    expect(seen).toHaveLength(100);
    expect(seen[57]).toBe('m57');
    await store.shutdown();
    store = await MessageStore.open(smallStoreOptions(dir));
    expect(store.getMaxOffsetInQueue('TopicTest', 0)).toBe(100);
    const q = await store.queryMessage('TopicTest', 'k42', 10, 0, Number.MAX_SAFE_INTEGER);
    expect(q.messageBuffers.map((b) => decodeStoredMessage(b).body.toString())).toContain('m42');
    const g = await store.getMessage('g', 'TopicTest', 0, 99, 32);
    expect(decodeStoredMessage(g.messageBuffers[0]).body.toString()).toBe('m99');
  });
});
