/**
 * The key index (broker-semantics.md 1.5): UNIQ_KEY and space-separated KEYS, time ranges, limits, rolling
 * to a new file when one fills, rollback records skipped, persistence across restarts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MessageSysFlag, decodeStoredMessage } from '@rocketnest/protocol';
import { MessageStore, type StoreOptions } from '@rocketnest/store';
import { message } from './helpers/store-fixtures.js';
import { useTempStore } from './helpers/temp-store.js';

const fx = useTempStore();

let clock = 1_700_000_000_000;
function open(options: StoreOptions = {}): Promise<MessageStore> {
  return fx.open(options, { now: () => clock });
}

const ALL = [0, Number.MAX_SAFE_INTEGER] as const;
const bodiesOf = (buffers: Buffer[]): string[] => buffers.map((b) => decodeStoredMessage(b).body.toString());

describe('index queries', () => {
  it('finds records by UNIQ_KEY and by each KEYS token, scoped by topic', async () => {
    const s = await open();
    await s.putMessage(message({ body: 'a', uniqKey: 'U1', keys: 'order-1 customer-9' }));
    await s.putMessage(message({ body: 'b', uniqKey: 'U2', keys: 'order-2  customer-9' }));
    await s.putMessage(message({ topic: 'Other', body: 'c', keys: 'order-1' }));
    await s.waitDispatched();
    expect(bodiesOf((await s.queryMessage('TopicTest', 'U2', 32, ...ALL)).messageBuffers)).toEqual(['b']);
    expect(bodiesOf((await s.queryMessage('TopicTest', 'order-1', 32, ...ALL)).messageBuffers)).toEqual(['a']);
    expect(bodiesOf((await s.queryMessage('TopicTest', 'customer-9', 32, ...ALL)).messageBuffers)).toEqual(['a', 'b']);
    expect(bodiesOf((await s.queryMessage('Other', 'order-1', 32, ...ALL)).messageBuffers)).toEqual(['c']);
    expect((await s.queryMessage('TopicTest', 'missing', 32, ...ALL)).messageBuffers).toEqual([]);
  });

  it('honours the time range and the limit (capped at maxMsgsNumBatch)', async () => {
    const s = await open({ maxMsgsNumBatch: 3 });
    const start = clock;
    for (let i = 0; i < 5; i++) {
      clock = start + i * 10_000;
      await s.putMessage(message({ body: `m${i}`, keys: 'same' }));
    }
    await s.waitDispatched();
    const middle = await s.queryMessage('TopicTest', 'same', 32, start + 10_000, start + 30_000);
    expect(bodiesOf(middle.messageBuffers)).toEqual(['m1', 'm2', 'm3']);
    const limited = await s.queryMessage('TopicTest', 'same', 2, ...ALL);
    expect(bodiesOf(limited.messageBuffers)).toEqual(['m3', 'm4']);
    const capped = await s.queryMessage('TopicTest', 'same', 32, ...ALL);
    expect(capped.messageBuffers).toHaveLength(3);
    expect(capped.indexLastUpdateTimestamp).toBe(start + 40_000);
  });

  it('rolls to new index files when one fills and still finds old keys, also after a restart', async () => {
    const s = await open({ maxIndexNum: 8, maxHashSlotNum: 4 });
    for (let i = 0; i < 30; i++) await s.putMessage(message({ body: `m${i}`, uniqKey: `U${i}` }));
    await s.waitDispatched();
    await s.flush();
    expect(fs.readdirSync(path.join(fx.dir as string, 'index')).length).toBeGreaterThanOrEqual(4);
    for (const i of [0, 7, 8, 29])
      expect(bodiesOf((await s.queryMessage('TopicTest', `U${i}`, 32, ...ALL)).messageBuffers)).toEqual([`m${i}`]);
    await s.shutdown();
    const reopened = await open({ maxIndexNum: 8, maxHashSlotNum: 4 });
    for (let i = 0; i < 30; i++)
      expect(bodiesOf((await reopened.queryMessage('TopicTest', `U${i}`, 32, ...ALL)).messageBuffers)).toEqual([
        `m${i}`,
      ]);
  });

  it('does not index rollback records but indexes prepared ones', async () => {
    const s = await open();
    await s.putMessage(message({ keys: 'half', sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE }));
    await s.putMessage(message({ keys: 'rolled', sysFlag: MessageSysFlag.TRANSACTION_ROLLBACK_TYPE }));
    await s.waitDispatched();
    expect((await s.queryMessage('TopicTest', 'half', 32, ...ALL)).messageBuffers).toHaveLength(1);
    expect((await s.queryMessage('TopicTest', 'rolled', 32, ...ALL)).messageBuffers).toHaveLength(0);
  });

  it('returns nothing when the index is disabled', async () => {
    const s = await open({ messageIndexEnable: false });
    await s.putMessage(message({ keys: 'k' }));
    await s.waitDispatched();
    expect((await s.queryMessage('TopicTest', 'k', 32, ...ALL)).messageBuffers).toEqual([]);
    expect(fs.existsSync(path.join(fx.dir as string, 'index'))).toBe(false);
  });
});
