/**
 * Recovery (broker-semantics.md 1.6, 1.7; upstream DefaultMessageStoreTest.testRecover): clean restarts,
 * damaged and torn tails cut at the first bad record with normal and abnormal reboots, cuts in earlier
 * segments, torn ConsumeQueue writes, re-dispatch after a crash, and the lock file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MessageStore,
  PutMessageStatus,
  type PutMessageResult,
  StoreLockedError,
  type StoreOptions,
} from '@rocketnest/store';
import { makeTempDir, message, smallStoreOptions } from './helpers/store-fixtures.js';
import { useTempStore } from './helpers/temp-store.js';
import { verifyStoreConsistency } from './helpers/verify-store.js';

const fx = useTempStore();

function open(options: StoreOptions = {}): Promise<MessageStore> {
  return fx.open(options);
}

async function putMany(s: MessageStore, count: number, prefix = 'm'): Promise<PutMessageResult[]> {
  const results: PutMessageResult[] = [];
  for (let i = 0; i < count; i++) {
    const result = await s.putMessage(
      message({
        body: Buffer.alloc(200 + ((i * 53) % 300), i),
        queueId: i % 2,
        uniqKey: `${prefix}${i}`,
        tags: `T${i % 3}`,
      }),
    );
    expect(result.status).toBe(PutMessageStatus.PUT_OK);
    results.push(result);
  }
  await s.waitDispatched();
  return results;
}

/** Rewrites bytes of the CommitLog on disk at a global offset. */
function patchCommitLog(offset: number, patch: (segment: Buffer, at: number) => void): void {
  const start = Math.floor(offset / 4096) * 4096;
  const file = path.join(fx.dir as string, 'commitlog', String(start).padStart(20, '0'));
  const segment = fs.readFileSync(file);
  patch(segment, offset - start);
  fs.writeFileSync(file, segment);
}

const bodyStart = 88; // IPv4 hosts

async function expectCutAt(s: MessageStore, cut: PutMessageResult, before: PutMessageResult[]): Promise<void> {
  expect(s.getMaxPhyOffset()).toBe(cut.wroteOffset);
  const survivors = before.filter((r) => r.wroteOffset < cut.wroteOffset);
  for (const queueId of [0, 1]) {
    const mine = survivors.filter((_, i) => i % 2 === queueId);
    expect(s.getMaxOffsetInQueue('TopicTest', queueId)).toBe(mine.length);
  }
  await verifyStoreConsistency(s);
  // New appends continue right at the cut and get the next queue offsets.
  const next = await s.putMessage(message({ queueId: 0, body: 'after' }));
  expect(next.wroteOffset).toBe(cut.wroteOffset);
  expect(next.queueOffset).toBe(survivors.filter((_, i) => i % 2 === 0).length);
  await verifyStoreConsistency(s);
}

describe('recovery after a clean shutdown', () => {
  it('restores offsets, queues and index exactly', async () => {
    const s = await open();
    const results = await putMany(s, 30);
    const max = s.getMaxPhyOffset();
    await s.shutdown();
    expect(fs.existsSync(path.join(fx.dir as string, 'abort'))).toBe(false);
    const reopened = await open();
    expect(reopened.recovery.abnormal).toBe(false);
    expect(reopened.getMaxPhyOffset()).toBe(max);
    expect(reopened.getMaxOffsetInQueue('TopicTest', 0)).toBe(15);
    const next = await reopened.putMessage(message({ queueId: 1 }));
    expect(next).toMatchObject({ wroteOffset: max, queueOffset: 15 });
    expect((await reopened.lookMessageByOffset(results[29].wroteOffset))?.properties.UNIQ_KEY).toBe('m29');
    await verifyStoreConsistency(reopened);
  });

  it('cuts a last record with a flipped body byte (bad CRC) on a normal reboot', async () => {
    const s = await open();
    const results = await putMany(s, 20);
    await s.shutdown();
    const last = results[19];
    patchCommitLog(last.wroteOffset + bodyStart + 5, (b, at) => (b[at] ^= 0xff));
    const reopened = await open();
    expect(reopened.recovery).toMatchObject({ abnormal: false, stop: { kind: 'invalid' } });
    await expectCutAt(reopened, last, results);
  });

  it('cuts the damaged record and everything after it on an abnormal reboot (abort present)', async () => {
    const s = await open();
    const results = await putMany(s, 20);
    await s.shutdown();
    fs.writeFileSync(path.join(fx.dir as string, 'abort'), '');
    const damaged = results[17];
    patchCommitLog(damaged.wroteOffset + 4, (b, at) => b.writeInt32BE(0x12345678, at)); // magic
    const reopened = await open();
    expect(reopened.recovery.abnormal).toBe(true);
    await expectCutAt(reopened, damaged, results);
  });
});

describe('recovery after a crash', () => {
  it('cuts a record torn mid-way (zeros from its middle on)', async () => {
    const s = await open();
    const results = await putMany(s, 12);
    await s.crashForTesting();
    const last = results[11];
    patchCommitLog(last.wroteOffset + Math.floor(last.wroteBytes / 2), (b, at) => b.fill(0, at));
    const reopened = await open();
    expect(reopened.recovery.abnormal).toBe(true);
    await expectCutAt(reopened, last, results);
  });

  it('cuts a torn record whose tail (properties) was lost: the body CRC alone would not notice', async () => {
    const s = await open();
    const results = await putMany(s, 6);
    await s.crashForTesting();
    const last = results[5];
    patchCommitLog(last.wroteOffset + last.wroteBytes - 3, (b, at) => b.fill(0, at, at + 3));
    const reopened = await open();
    await expectCutAt(reopened, last, results);
  });

  it('cuts in an earlier segment when no checkpoint vouches for it, deleting later segments', async () => {
    const s = await open();
    const results = await putMany(s, 40);
    await s.crashForTesting();
    const damaged = results.find((r) => r.wroteOffset > 4096 + 100 && r.wroteOffset < 8192) as PutMessageResult;
    patchCommitLog(damaged.wroteOffset + bodyStart, (b, at) => (b[at] ^= 1));
    const reopened = await open();
    expect(reopened.recovery.scannedFrom).toBe(0);
    expect(fs.readdirSync(path.join(fx.dir as string, 'commitlog'))).toEqual([
      '00000000000000000000',
      '00000000000000004096',
    ]);
    await expectCutAt(reopened, damaged, results);
  });

  it('never resurrects stale records past an earlier cut', async () => {
    const s = await open();
    const results = await putMany(s, 10);
    await s.crashForTesting();
    patchCommitLog(results[5].wroteOffset + bodyStart, (b, at) => (b[at] ^= 1));
    const second = await open();
    await putMany(second, 1, 'new');
    await second.crashForTesting();
    const third = await open();
    const records = await verifyStoreConsistency(third);
    expect(records.map((r) => r.uniqKey)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'new0']);
  });

  it('rebuilds queue and index entries that never reached the disk', async () => {
    const s = await open();
    await putMany(s, 25);
    // Queues and index live only in memory (no logic flush ran): the crash loses them.
    await s.crashForTesting();
    const reopened = await open();
    expect(reopened.recovery.redispatchedRecords).toBe(25);
    expect(reopened.getMaxOffsetInQueue('TopicTest', 1)).toBe(12);
    expect((await reopened.queryMessage('TopicTest', 'm24', 32, 0, Number.MAX_SAFE_INTEGER)).phyOffsets).toHaveLength(
      1,
    );
    await verifyStoreConsistency(reopened);
  });

  it('drops a torn ConsumeQueue entry and dispatches its record again', async () => {
    const s = await open();
    await putMany(s, 10);
    await s.flush(); // checkpoint: the first 10 records have durable entries
    const more = await putMany(s, 4, 'late');
    await s.getConsumeQueue('TopicTest', 1)?.flush(0); // entries written, checkpoint not advanced
    await s.crashForTesting();
    // Tear the last entry of queue 1: its tagsCode half written.
    const file = path.join(fx.dir as string, 'consumequeue', 'TopicTest', '1', '00000000000000000000');
    const bytes = fs.readFileSync(file);
    const lastEntry = 6 * 20; // queue 1 holds 5 + 2 entries
    bytes.fill(0, lastEntry + 16, lastEntry + 20);
    bytes.writeInt32BE(1, lastEntry + 12);
    fs.writeFileSync(file, bytes);
    const reopened = await open();
    expect(reopened.recovery.droppedQueueEntries).toBe(1);
    const entry = await reopened.getConsumeQueue('TopicTest', 1)?.readEntry(6);
    expect(entry?.commitLogOffset).toBe(more[3].wroteOffset);
    await verifyStoreConsistency(reopened);
  });

  it('destroys every queue when the CommitLog is gone', async () => {
    const s = await open();
    await putMany(s, 5);
    await s.shutdown();
    fs.rmSync(path.join(fx.dir as string, 'commitlog'), { recursive: true });
    const reopened = await open();
    expect(reopened.getMaxPhyOffset()).toBe(0);
    expect(reopened.getMaxOffsetInQueue('TopicTest', 0)).toBe(0);
    expect((await reopened.putMessage(message())).queueOffset).toBe(0);
  });
});

describe('store lock', () => {
  it('refuses a second store on the same directory, also from the same process', async () => {
    await open();
    await expect(MessageStore.open(smallStoreOptions(fx.dir as string))).rejects.toBeInstanceOf(StoreLockedError);
  });

  it('takes over the lock of a process that is gone, and refuses one held on another host', async () => {
    fx.dir = await makeTempDir();
    fs.writeFileSync(path.join(fx.dir, 'lock'), `999999999 ${os.hostname()}\n`);
    const s = await open();
    await s.shutdown();
    expect(fs.existsSync(path.join(fx.dir, 'lock'))).toBe(false);
    fs.writeFileSync(path.join(fx.dir, 'lock'), `1 some-other-host\n`);
    await expect(MessageStore.open(smallStoreOptions(fx.dir))).rejects.toBeInstanceOf(StoreLockedError);
    fx.store = undefined;
  });
});
