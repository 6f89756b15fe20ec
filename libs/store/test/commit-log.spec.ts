/**
 * CommitLog appends (broker-semantics.md 1.2, 1.11): segment rollover on 4 KiB segments, blank records of
 * 8, 9 and maximal size, batches never split, queue offsets, store timestamps and put-time statuses.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MessageSysFlag, decodeOffsetMsgId, decodeStoredMessage, encodeProperties } from '@rocketnest/protocol';
import { MessageStore, PutMessageStatus, type StoreOptions } from '@rocketnest/store';
import { BORN_HOST, STORE_HOST, message } from './helpers/store-fixtures.js';
import { useTempStore } from './helpers/temp-store.js';
import { scanRecordsOnDisk, verifyStoreConsistency } from './helpers/verify-store.js';

const fx = useTempStore();

function open(options: StoreOptions = {}, now?: () => number): Promise<MessageStore> {
  return fx.open(options, { now });
}

/** Record size for topic "TopicTest" without properties: 91 + 9 + body. */
const recordSize = (body: number): number => 100 + body;

function readBlank(offset: number): { size: number; magic: number } {
  const segment = Math.floor(offset / 4096) * 4096;
  const file = fs.readFileSync(path.join(fx.dir as string, 'commitlog', String(segment).padStart(20, '0')));
  return { size: file.readInt32BE(offset - segment), magic: file.readInt32BE(offset - segment + 4) };
}

describe('CommitLog rollover', () => {
  it('rolls over 4 KiB segments: records never span two, every full segment ends with a blank record', async () => {
    const s = await open();
    const bodies: Buffer[] = [];
    for (let i = 0; i < 60; i++) {
      const body = Buffer.alloc(50 + ((i * 397) % 1500), i);
      bodies.push(body);
      expect((await s.putMessage(message({ body, queueId: i % 3 }))).status).toBe(PutMessageStatus.PUT_OK);
    }
    await s.flush();
    const { records } = scanRecordsOnDisk(s);
    expect(records).toHaveLength(60);
    for (const record of records)
      expect(Math.floor(record.offset / 4096)).toBe(Math.floor((record.offset + record.size - 1) / 4096));
    const files = fs.readdirSync(path.join(fx.dir as string, 'commitlog'));
    expect(files.map(Number)).toEqual(files.map((_, i) => i * 4096));
    for (let segment = 0; segment < files.length - 1; segment++) {
      const last = records.filter((r) => Math.floor(r.offset / 4096) === segment).pop();
      const blankAt = (last?.offset ?? 0) + (last?.size ?? 0);
      expect(readBlank(blankAt)).toEqual({ size: (segment + 1) * 4096 - blankAt, magic: -875286124 });
    }
    let offset = 0;
    let index = 0;
    while (offset < 60) {
      const result = await s.getMessage('g', 'TopicTest', 0, offset, 32);
      for (const buffer of result.messageBuffers) {
        expect(decodeStoredMessage(buffer).body.equals(bodies[index])).toBe(true);
        index += 3;
      }
      offset = result.nextBeginOffset;
      if (result.status !== 'FOUND') break;
    }
    expect(index).toBe(60);
    await verifyStoreConsistency(s);
  });

  it.each([
    ['exactly 8 bytes', 8],
    ['9 bytes', 9],
  ])('writes a blank record of %s when that is what remains', async (_name, blank) => {
    const s = await open();
    await s.putMessage(message({ body: Buffer.alloc(1000) }));
    await s.putMessage(message({ body: Buffer.alloc(1000) }));
    const fill = 4096 - blank - 2 * recordSize(1000);
    const third = await s.putMessage(message({ body: Buffer.alloc(fill - 100) }));
    expect(third.wroteOffset).toBe(2 * recordSize(1000));
    const next = await s.putMessage(message({ body: 'x' }));
    expect(next.wroteOffset).toBe(4096);
    await s.flush();
    expect(readBlank(4096 - blank)).toEqual({ size: blank, magic: -875286124 });
    await verifyStoreConsistency(s);
  });

  it('writes a maximal blank record before a record that needs a whole segment', async () => {
    const s = await open();
    await s.putMessage(message({ body: 'a' }));
    const biggest = await s.putMessage(message({ body: Buffer.alloc(4096 - 8 - 100) }));
    expect(biggest.status).toBe(PutMessageStatus.PUT_OK);
    expect(biggest.wroteOffset).toBe(4096);
    await s.flush();
    expect(readBlank(recordSize(1))).toEqual({ size: 4096 - recordSize(1), magic: -875286124 });
    const tooBig = await s.putMessage(message({ body: Buffer.alloc(4096 - 8 - 100 + 1) }));
    expect(tooBig.status).toBe(PutMessageStatus.MESSAGE_ILLEGAL);
    await verifyStoreConsistency(s);
  });
});

describe('CommitLog batches', () => {
  function batch(count: number, bodyBytes: number): Parameters<MessageStore['putMessages']>[0] {
    return {
      topic: 'TopicTest',
      queueId: 1,
      sysFlag: 0,
      bornTimestamp: 1,
      bornHost: BORN_HOST,
      storeHost: STORE_HOST,
      reconsumeTimes: 0,
      messages: Array.from({ length: count }, (_, i) => ({
        flag: i,
        body: Buffer.alloc(bodyBytes, i),
        properties: encodeProperties({ UNIQ_KEY: `B${i}` }),
      })),
    };
  }

  it('never splits a batch: one that does not fit goes whole into the next segment', async () => {
    const s = await open();
    await s.putMessage(message({ body: Buffer.alloc(3000), queueId: 1 }));
    // 3 x 414 bytes fit in no part of the 996 left: all three go to the next segment.
    const result = await s.putMessages(batch(3, 300));
    expect(result.status).toBe(PutMessageStatus.PUT_OK);
    expect(result.wroteOffset).toBe(4096);
    expect(result.queueOffset).toBe(1);
    expect(result.msgNum).toBe(3);
    const offsets = result.msgId.split(',').map((id) => decodeOffsetMsgId(id).physicalOffset);
    expect(offsets).toHaveLength(3);
    expect(offsets[0]).toBe(4096);
    expect(offsets[1] - offsets[0]).toBe(offsets[2] - offsets[1]);
    const stored = await Promise.all(offsets.map((offset) => s.lookMessageByOffset(offset)));
    expect(stored.map((m) => [m?.queueOffset, m?.flag, m?.properties.UNIQ_KEY])).toEqual([
      [1, 0, 'B0'],
      [2, 1, 'B1'],
      [3, 2, 'B2'],
    ]);
    await s.waitDispatched();
    expect(s.getMaxOffsetInQueue('TopicTest', 1)).toBe(4);
    await verifyStoreConsistency(s);
  });

  it('refuses transactional batches and batches over maxMessageSize', async () => {
    const s = await open({ maxMessageSize: 1000 });
    expect((await s.putMessages({ ...batch(2, 10), sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE })).status).toBe(
      PutMessageStatus.MESSAGE_ILLEGAL,
    );
    expect((await s.putMessages(batch(3, 400))).status).toBe(PutMessageStatus.MESSAGE_ILLEGAL);
    expect((await s.putMessages(batch(2, 400))).status).toBe(PutMessageStatus.PUT_OK);
  });
});

describe('CommitLog offsets and timestamps', () => {
  it('counts queue offsets per topic and queue; prepared records take 0 and no queue entry', async () => {
    const s = await open();
    const offsets = [];
    for (const [topic, queueId] of [
      ['A', 0],
      ['A', 0],
      ['A', 1],
      ['B', 0],
      ['A', 0],
    ] as const)
      offsets.push((await s.putMessage(message({ topic, queueId }))).queueOffset);
    expect(offsets).toEqual([0, 1, 0, 0, 2]);
    const prepared = await s.putMessage(message({ topic: 'A', sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE }));
    expect(prepared.queueOffset).toBe(0);
    const committed = await s.putMessage(message({ topic: 'A', sysFlag: MessageSysFlag.TRANSACTION_COMMIT_TYPE }));
    expect(committed.queueOffset).toBe(3);
    await s.waitDispatched();
    expect(s.getMaxOffsetInQueue('A', 0)).toBe(4);
    expect(await s.getCommitLogOffsetInQueue('A', 0, 3)).toBe(committed.wroteOffset);
    await verifyStoreConsistency(s);
  });

  it('keeps store timestamps non-decreasing when the clock steps back', async () => {
    let clock = 5_000_000;
    const s = await open({}, () => clock);
    const first = await s.putMessage(message());
    clock -= 1000;
    const second = await s.putMessage(message());
    expect(first.storeTimestamp).toBe(5_000_000);
    expect(second.storeTimestamp).toBe(5_000_000);
  });
});

describe('put-time checks', () => {
  it('answers MESSAGE_ILLEGAL / PROPERTIES_SIZE_EXCEEDED without storing anything', async () => {
    const s = await open({ maxMessageSize: 2000 });
    const cases: [ReturnType<typeof message>, string][] = [
      [message({ body: Buffer.alloc(2001) }), PutMessageStatus.MESSAGE_ILLEGAL],
      [message({ topic: 'T'.repeat(128) }), PutMessageStatus.MESSAGE_ILLEGAL],
      [{ ...message(), properties: `a\u0001${'v'.repeat(32767)}\u0002` }, PutMessageStatus.MESSAGE_ILLEGAL],
      [{ ...message(), properties: `a\u0001${'é'.repeat(16400)}\u0002` }, PutMessageStatus.PROPERTIES_SIZE_EXCEEDED],
      [{ ...message(), properties: 'a\u0001b\u0000' }, PutMessageStatus.MESSAGE_ILLEGAL],
      [{ ...message(), bornHost: 'not-an-address' }, PutMessageStatus.MESSAGE_ILLEGAL],
      [{ ...message(), queueId: -1 }, PutMessageStatus.MESSAGE_ILLEGAL],
    ];
    for (const [request, status] of cases) {
      const result = await s.putMessage(request);
      expect(result.status).toBe(status);
      expect(result.wroteOffset).toBe(-1);
    }
    expect(s.getMaxPhyOffset()).toBe(0);
  });

  it('refuses puts on a slave and after shutdown with SERVICE_NOT_AVAILABLE', async () => {
    const slave = await open({ brokerRole: 'SLAVE' });
    expect((await slave.putMessage(message())).status).toBe(PutMessageStatus.SERVICE_NOT_AVAILABLE);
    await slave.shutdown();
    expect((await slave.putMessage(message())).status).toBe(PutMessageStatus.SERVICE_NOT_AVAILABLE);
  });

  it('answers CREATE_MAPPED_FILE_FAILED when the next segment cannot be created, then refuses puts', async () => {
    const s = await open();
    await s.putMessage(message({ body: Buffer.alloc(3000) }));
    // A directory where the next segment file must go makes its creation fail.
    fs.mkdirSync(path.join(fx.dir as string, 'commitlog', '00000000000000004096'));
    const failed = await s.putMessage(message({ body: Buffer.alloc(2000) }));
    expect(failed.status).toBe(PutMessageStatus.CREATE_MAPPED_FILE_FAILED);
    expect(s.getRunningState()).toMatchObject({ writable: false });
    expect((await s.putMessage(message({ body: 'small' }))).status).toBe(PutMessageStatus.SERVICE_NOT_AVAILABLE);
    // What was acknowledged before stays readable.
    expect((await s.lookMessageByOffset(0))?.body.length).toBe(3000);
  });
});
