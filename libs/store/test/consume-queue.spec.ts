/**
 * ConsumeQueues and the pull lookup (broker-semantics.md 1.3, 2.3, 2.9): min/max offsets, every getMessage
 * status with its nextBeginOffset (master and slave), tag filtering on the entry, batch limits, time lookups
 * with LOWER/UPPER boundaries and arrival notifications.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MessageSysFlag, decodeStoredMessage, javaStringHashCode } from '@rocketnest/protocol';
import { GetMessageStatus, type MessageArrivedEvent, MessageStore, type StoreOptions } from '@rocketnest/store';
import { makeTempDir, message } from './helpers/store-fixtures.js';
import { useTempStore } from './helpers/temp-store.js';

const fx = useTempStore();

function open(options: StoreOptions = {}, now?: () => number): Promise<MessageStore> {
  return fx.open(options, { now });
}

async function fill(s: MessageStore, count: number, tags?: (i: number) => string | undefined): Promise<void> {
  for (let i = 0; i < count; i++) await s.putMessage(message({ body: `m${i}`, tags: tags?.(i) }));
  await s.waitDispatched();
}

const bodies = (buffers: Buffer[]): string[] => buffers.map((b) => decodeStoredMessage(b).body.toString());

describe('getMessage statuses (2.3)', () => {
  it('answers NO_MATCHED_LOGIC_QUEUE with 0 for an unknown queue', async () => {
    const s = await open();
    expect(await s.getMessage('g', 'Nope', 0, 5, 32)).toMatchObject({
      status: GetMessageStatus.NO_MATCHED_LOGIC_QUEUE,
      nextBeginOffset: 0,
    });
  });

  it('answers NO_MESSAGE_IN_QUEUE with 0 for a queue without entries', async () => {
    fx.dir = await makeTempDir();
    fs.mkdirSync(path.join(fx.dir, 'consumequeue', 'Empty', '0'), { recursive: true });
    const s = await open();
    expect(await s.getMessage('g', 'Empty', 0, 3, 32)).toMatchObject({
      status: GetMessageStatus.NO_MESSAGE_IN_QUEUE,
      nextBeginOffset: 0,
      maxOffset: 0,
    });
  });

  it('answers OFFSET_OVERFLOW_ONE at max and OFFSET_OVERFLOW_BADLY with max beyond it', async () => {
    const s = await open();
    await fill(s, 5);
    expect(await s.getMessage('g', 'TopicTest', 0, 5, 32)).toMatchObject({
      status: GetMessageStatus.OFFSET_OVERFLOW_ONE,
      nextBeginOffset: 5,
      minOffset: 0,
      maxOffset: 5,
    });
    expect(await s.getMessage('g', 'TopicTest', 0, 9, 32)).toMatchObject({
      status: GetMessageStatus.OFFSET_OVERFLOW_BADLY,
      nextBeginOffset: 5,
    });
  });

  it('finds messages and never crosses a ConsumeQueue file in one pull', async () => {
    const s = await open();
    await fill(s, 20);
    const first = await s.getMessage('g', 'TopicTest', 0, 10, 32);
    expect(first.status).toBe(GetMessageStatus.FOUND);
    expect(first.queueOffsets).toEqual([10, 11, 12, 13, 14, 15]);
    expect(bodies(first.messageBuffers)).toEqual(['m10', 'm11', 'm12', 'm13', 'm14', 'm15']);
    expect(first.nextBeginOffset).toBe(16);
    expect(first.bufferTotalSize).toBe(first.messageBuffers.reduce((sum, b) => sum + b.length, 0));
    const second = await s.getMessage('g', 'TopicTest', 0, 16, 32);
    expect(second.queueOffsets).toEqual([16, 17, 18, 19]);
    expect(second.suggestPullingFromSlave).toBe(false);
  });

  it('answers OFFSET_FOUND_NULL with the next file start when the entries file is gone', async () => {
    const s = await open();
    await fill(s, 20);
    await s.getConsumeQueue('TopicTest', 0)?.fileQueue.mappedFiles[0].destroy();
    expect(await s.getMessage('g', 'TopicTest', 0, 3, 32)).toMatchObject({
      status: GetMessageStatus.OFFSET_FOUND_NULL,
      nextBeginOffset: 16,
    });
  });

  it('answers MESSAGE_WAS_REMOVING when the records are gone but the entries are not yet', async () => {
    const s = await open();
    for (let i = 0; i < 8; i++) await s.putMessage(message({ body: Buffer.alloc(900, i) }));
    await s.waitDispatched();
    const internals = s as unknown as { commitLog: { queue: { mappedFiles: { destroy(): Promise<void> }[] } } };
    await internals.commitLog.queue.mappedFiles[0].destroy();
    const result = await s.getMessage('g', 'TopicTest', 0, 0, 2);
    expect(result.status).toBe(GetMessageStatus.MESSAGE_WAS_REMOVING);
    expect(result.nextBeginOffset).toBeGreaterThan(0);
  });

  it('does not move offsets on a slave', async () => {
    const master = await open();
    await fill(master, 5);
    await master.shutdown();
    const slave = await open({ brokerRole: 'SLAVE' });
    expect(await slave.getMessage('g', 'TopicTest', 0, 9, 32)).toMatchObject({
      status: GetMessageStatus.OFFSET_OVERFLOW_BADLY,
      nextBeginOffset: 9,
    });
    expect(await slave.getMessage('g', 'Unknown', 0, 7, 32)).toMatchObject({
      status: GetMessageStatus.NO_MATCHED_LOGIC_QUEUE,
      nextBeginOffset: 7,
    });
    expect((await slave.getMessage('g', 'TopicTest', 0, 2, 32)).queueOffsets).toEqual([2, 3, 4]);
  });
});

describe('getMessage filtering and limits', () => {
  it('filters on the tag hash only and still advances past filtered entries', async () => {
    const s = await open();
    await fill(s, 10, (i) => (i % 3 === 0 ? 'TagA' : i % 3 === 1 ? 'TagB' : undefined));
    const tagA = javaStringHashCode('TagA');
    const result = await s.getMessage('g', 'TopicTest', 0, 0, 32, undefined, (code) => code === tagA);
    expect(result.queueOffsets).toEqual([0, 3, 6, 9]);
    expect(result.nextBeginOffset).toBe(10);
    const none = await s.getMessage('g', 'TopicTest', 0, 0, 32, undefined, (code) => code === 42);
    expect(none).toMatchObject({ status: GetMessageStatus.NO_MATCHED_MESSAGE, nextBeginOffset: 10 });
  });

  it('stops at maxMsgNums and the byte cap, excluding the entry that made the batch full', async () => {
    const s = await open({ consumeQueueEntriesPerFile: 64 });
    await fill(s, 40);
    const byCount = await s.getMessage('g', 'TopicTest', 0, 0, 5);
    expect(byCount.queueOffsets).toEqual([0, 1, 2, 3, 4]);
    expect(byCount.nextBeginOffset).toBe(5);
    const recordBytes = byCount.messageBuffers[0].length;
    const byBytes = await s.getMessage('g', 'TopicTest', 0, 0, 32, recordBytes * 3);
    expect(byBytes.queueOffsets).toEqual([0, 1, 2]);
    expect(byBytes.nextBeginOffset).toBe(3);
    const tiny = await s.getMessage('g', 'TopicTest', 0, 0, 32, 1);
    expect(tiny.queueOffsets).toEqual([0]);
    const inMemoryCap = await s.getMessage('g', 'TopicTest', 0, 0, 64);
    expect(inMemoryCap.queueOffsets).toHaveLength(32);
  });

  it('applies a record filter after the tag filter', async () => {
    const s = await open();
    await fill(s, 6);
    const result = await s.getMessage('g', 'TopicTest', 0, 0, 32, undefined, undefined, (record) =>
      decodeStoredMessage(record).body.toString().endsWith('4'),
    );
    expect(bodies(result.messageBuffers)).toEqual(['m4']);
    expect(result.nextBeginOffset).toBe(6);
  });
});

describe('offset lookups (2.9)', () => {
  async function timedStore(): Promise<MessageStore> {
    const times = [1000, 1000, 2000, 3000, 3000, 5000];
    let i = 0;
    const s = await open({}, () => times[Math.min(i, times.length - 1)]);
    for (; i < times.length; i++) await s.putMessage(message({ body: `t${i}` }));
    await s.waitDispatched();
    return s;
  }

  it('finds queue offsets by store time with LOWER and UPPER boundaries', async () => {
    const s = await timedStore();
    const lookup = (time: number, boundary: 'LOWER' | 'UPPER'): Promise<number> =>
      s.getOffsetInQueueByTime('TopicTest', 0, time, boundary);
    expect(await lookup(2500, 'LOWER')).toBe(3);
    expect(await lookup(2500, 'UPPER')).toBe(2);
    expect(await lookup(3000, 'LOWER')).toBe(3);
    expect(await lookup(3000, 'UPPER')).toBe(4);
    expect(await lookup(1000, 'LOWER')).toBe(0);
    expect(await lookup(0, 'LOWER')).toBe(0);
    expect(await lookup(0, 'UPPER')).toBe(0);
    expect(await lookup(9999, 'LOWER')).toBe(5);
    expect(await lookup(9999, 'UPPER')).toBe(5);
    expect(await s.getOffsetInQueueByTime('TopicTest', 0, 2500)).toBe(3);
    expect(await s.getOffsetInQueueByTime('Unknown', 0, 2500)).toBe(0);
  });

  it('reports min/max offsets, store times and CommitLog offsets of queue entries', async () => {
    const s = await timedStore();
    expect(s.getMinOffsetInQueue('TopicTest', 0)).toBe(0);
    expect(s.getMaxOffsetInQueue('TopicTest', 0)).toBe(6);
    expect(s.getMaxOffsetInQueue('Unknown', 3)).toBe(0);
    expect(await s.getEarliestMessageTime('TopicTest', 0)).toBe(1000);
    expect(await s.getEarliestMessageTime('Unknown', 0)).toBe(-1);
    expect(await s.getMessageStoreTimeStamp('TopicTest', 0, 3)).toBe(3000);
    const phy = await s.getCommitLogOffsetInQueue('TopicTest', 0, 2);
    expect((await s.lookMessageByOffset(phy))?.body.toString()).toBe('t2');
    expect(await s.getCommitLogOffsetInQueue('TopicTest', 0, 99)).toBe(-1);
    expect(s.getTopics()).toEqual(['TopicTest']);
    expect(s.getQueueIds('TopicTest')).toEqual([0]);
  });
});

describe('message arrival listener', () => {
  it('is told about each new queue entry, not about prepared records, until unsubscribed', async () => {
    const s = await open();
    const events: MessageArrivedEvent[] = [];
    const unsubscribe = s.onMessageArriving((event) => events.push(event));
    await s.putMessage(message({ queueId: 2, tags: 'TagA' }));
    await s.putMessage(message({ queueId: 2, sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE }));
    await s.putMessage(message({ queueId: 2 }));
    await s.waitDispatched();
    expect(events.map((e) => [e.topic, e.queueId, e.logicOffset, e.tagsCode])).toEqual([
      ['TopicTest', 2, 1, javaStringHashCode('TagA')],
      ['TopicTest', 2, 2, 0],
    ]);
    expect(events[0].properties).toContain('TAGS\u0001TagA');
    unsubscribe();
    await s.putMessage(message({ queueId: 2 }));
    await s.waitDispatched();
    expect(events).toHaveLength(2);
  });
});
