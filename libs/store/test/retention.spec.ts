/**
 * Retention (broker-semantics.md 1.9): expired segments deleted at the configured hour, over the space ratio,
 * forcibly over the force ratio, or on manual request; never the segment being written; ConsumeQueue files,
 * min offsets and index files follow the CommitLog min offset.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GetMessageStatus, MessageStore, type StoreOptions } from '@rocketnest/store';
import { message } from './helpers/store-fixtures.js';
import { useTempStore } from './helpers/temp-store.js';
import { verifyStoreConsistency } from './helpers/verify-store.js';

const fx = useTempStore();

const HOUR = 3_600_000;
/** 04:30 local time: inside the default deleteWhen "04". */
const AT_FOUR = new Date(2024, 5, 3, 4, 30).getTime();
const AT_TEN = new Date(2024, 5, 3, 10, 30).getTime();

let usage = 20;
function open(now: number, options: StoreOptions = {}): Promise<MessageStore> {
  return fx.open({ maxIndexNum: 16, ...options }, { now: () => now, diskUsage: () => Promise.resolve(usage) });
}

function segments(): string[] {
  return fs.readdirSync(path.join(fx.dir as string, 'commitlog'));
}

/** Writes ~8 segments of 4 KiB and ages all but the last `young` of them by `ageHours`. */
async function fillAndAge(s: MessageStore, ageHours: number, young = 1, now = AT_FOUR): Promise<void> {
  for (let i = 0; i < 60; i++)
    await s.putMessage(message({ body: Buffer.alloc(400, i), queueId: i % 2, keys: `k${i}` }));
  await s.flush();
  const names = segments();
  names.slice(0, names.length - young).forEach((name) => {
    const time = (now - ageHours * HOUR) / 1000;
    fs.utimesSync(path.join(fx.dir as string, 'commitlog', name), time, time);
  });
}

describe('CommitLog retention', () => {
  it('deletes expired segments at the configured hour and moves queue min offsets after them', async () => {
    usage = 20;
    const s = await open(AT_FOUR);
    await fillAndAge(s, 73, 3);
    const before = segments();
    const report = await s.cleanFilesNow();
    expect(report.triggeredBy).toEqual(['time']);
    expect(report.deletedCommitLogFiles).toBe(before.length - 3);
    expect(segments()).toEqual(before.slice(-3));
    expect(s.getMinPhyOffset()).toBe(Number(before[before.length - 3]));
    const min = s.getMinOffsetInQueue('TopicTest', 0);
    expect(min).toBeGreaterThan(0);
    expect(report.deletedConsumeQueueFiles).toBeGreaterThan(0);
    expect(await s.getMessage('g', 'TopicTest', 0, 0, 32)).toMatchObject({
      status: GetMessageStatus.OFFSET_TOO_SMALL,
      nextBeginOffset: min,
    });
    const first = await s.getMessage('g', 'TopicTest', 0, min, 1);
    expect(first.status).toBe(GetMessageStatus.FOUND);
    expect(await s.getEarliestMessageTime('TopicTest', 0)).toBe(AT_FOUR);
    expect(report.deletedIndexFiles).toBeGreaterThan(0);
    await verifyStoreConsistency(s);
  });

  it('keeps expired segments outside the hour while the disk is below the ratio, deletes them above it', async () => {
    usage = 20;
    const s = await open(AT_TEN, { diskMaxUsedSpaceRatio: 75 });
    await fillAndAge(s, 100, 1, AT_TEN);
    const before = segments();
    expect((await s.cleanFilesNow()).deletedCommitLogFiles).toBe(0);
    usage = 80;
    const report = await s.cleanFilesNow();
    expect(report.triggeredBy).toEqual(['space']);
    expect(segments()).toEqual(before.slice(-1));
  });

  it('stops at the first segment still too young and deletes at most deleteFileBatchMax per run', async () => {
    usage = 20;
    const s = await open(AT_FOUR, { deleteFileBatchMax: 2 });
    await fillAndAge(s, 1);
    expect((await s.cleanFilesNow()).deletedCommitLogFiles).toBe(0);
    await fillAndAge(s, 80);
    const before = segments();
    expect((await s.cleanFilesNow()).deletedCommitLogFiles).toBe(2);
    expect(segments()).toEqual(before.slice(2));
  });

  it('deletes young segments when usage passes the force ratio, but never the one being written', async () => {
    usage = 90;
    const s = await open(AT_TEN, { deleteFileBatchMax: 100, diskSpaceWarningLevelRatio: 95 });
    await fillAndAge(s, 0);
    const last = segments().pop();
    const report = await s.cleanFilesNow();
    expect(report.triggeredBy).toEqual(['space']);
    expect(segments()).toEqual([last]);
    expect((await s.putMessage(message({ queueId: 0 }))).status).toBe('PUT_OK');
    await verifyStoreConsistency(s);
  });

  it('deletes expired segments on a manual request at any hour', async () => {
    usage = 20;
    const s = await open(AT_TEN);
    await fillAndAge(s, 80);
    s.executeDeleteFilesManually();
    const report = await s.cleanFilesNow();
    expect(report.triggeredBy).toEqual(['manual']);
    expect(segments()).toHaveLength(1);
  });

  it('rebuilds a queue that starts mid-way once its old files are gone (blank entries before min)', async () => {
    usage = 20;
    const s = await open(AT_FOUR);
    await fillAndAge(s, 80, 2);
    await s.cleanFilesNow();
    const min = s.getMinOffsetInQueue('TopicTest', 1);
    const max = s.getMaxOffsetInQueue('TopicTest', 1);
    await s.shutdown();
    fs.rmSync(path.join(fx.dir as string, 'consumequeue'), { recursive: true });
    fs.rmSync(path.join(fx.dir as string, 'checkpoint'));
    const reopened = await open(AT_FOUR);
    expect(reopened.getMinOffsetInQueue('TopicTest', 1)).toBe(min);
    expect(reopened.getMaxOffsetInQueue('TopicTest', 1)).toBe(max);
    expect((await reopened.getMessage('g', 'TopicTest', 1, min, 1)).queueOffsets).toEqual([min]);
    await verifyStoreConsistency(reopened);
  });
});
