/**
 * On-disk formats against bytes built by hand from the spec (broker-semantics.md 1.2, 1.3, 1.5, 1.6;
 * remoting-protocol.md 4): a CommitLog record at its offset, the blank record, ConsumeQueue entries, the index
 * header/slot/entry and the checkpoint.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { javaStringHashCode } from '@rocketnest/protocol';
import {
  CQ_STORE_UNIT_SIZE,
  MessageStore,
  decodeCheckpoint,
  decodeIndexHeader,
  encodeCheckpoint,
  encodeIndexHeader,
  indexKeyHash,
  readConsumeQueueEntry,
  writeConsumeQueueEntry,
} from '@rocketnest/store';
import { makeTempDir, message, smallStoreOptions } from './helpers/store-fixtures.js';
import { useTempStore } from './helpers/temp-store.js';

const fx = useTempStore();

const NOW = 1_700_000_123_456;

function long(value: number): Buffer {
  const buf = Buffer.alloc(8);
  buf.writeBigInt64BE(BigInt(value));
  return buf;
}

function int(value: number): Buffer {
  const buf = Buffer.alloc(4);
  buf.writeInt32BE(value);
  return buf;
}

/** A V1 record with IPv4 hosts, field by field from the spec table. */
function handMadeRecord(fields: {
  queueId: number;
  queueOffset: number;
  physicalOffset: number;
  storeTimestamp: number;
  body: Buffer;
  topic: string;
  properties: string;
}): Buffer {
  const topic = Buffer.from(fields.topic);
  const properties = Buffer.from(fields.properties);
  const total = 91 + fields.body.length + topic.length + properties.length;
  return Buffer.concat([
    int(total),
    Buffer.from([0xda, 0xa3, 0x20, 0xa7]),
    int(zlib.crc32(fields.body) & 0x7fffffff),
    int(fields.queueId),
    int(0), // flag
    long(fields.queueOffset),
    long(fields.physicalOffset),
    int(0), // sysFlag
    long(1_700_000_000_000), // bornTimestamp
    Buffer.from([10, 0, 0, 7]),
    int(53412),
    long(fields.storeTimestamp),
    Buffer.from([127, 0, 0, 1]),
    int(10911),
    int(0), // reconsumeTimes
    long(0), // preparedTransactionOffset
    int(fields.body.length),
    fields.body,
    Buffer.from([topic.length]),
    topic,
    Buffer.from([properties.length >> 8, properties.length & 0xff]),
    properties,
  ]);
}

describe('CommitLog record layout', () => {
  it('writes each record at its physical offset exactly as the spec lays it out', async () => {
    fx.dir = await makeTempDir();
    fx.store = await MessageStore.open(smallStoreOptions(fx.dir), { now: () => NOW });
    const first = await fx.store.putMessage(message({ body: 'first', queueId: 3 }));
    const second = await fx.store.putMessage(message({ body: 'second body', queueId: 3, tags: 'TagA' }));
    expect(first.wroteOffset).toBe(0);
    expect(second.wroteOffset).toBe(first.wroteBytes);
    await fx.store.flush();
    const segment = fs.readFileSync(path.join(fx.dir, 'commitlog', '00000000000000000000'));
    const expected = handMadeRecord({
      queueId: 3,
      queueOffset: 1,
      physicalOffset: first.wroteBytes,
      storeTimestamp: NOW,
      body: Buffer.from('second body'),
      topic: 'TopicTest',
      properties: 'TAGS\u0001TagA\u0002',
    });
    expect(second.wroteBytes).toBe(expected.length);
    expect(segment.subarray(second.wroteOffset, second.wroteOffset + expected.length)).toEqual(expected);
    // Offset message id: store host (4 + port) + physical offset, upper-case hex (remoting-protocol.md 6.1).
    expect(second.msgId).toBe(`7F00000100002A9F${first.wroteBytes.toString(16).toUpperCase().padStart(16, '0')}`);
    // Nothing after the last record: the pre-sized rest of the segment reads as zeros.
    expect(segment.subarray(second.wroteOffset + expected.length).every((byte) => byte === 0)).toBe(true);
  });

  it('closes a segment with [remaining][0xCBD43194] and zeros when the next record does not fit', async () => {
    fx.dir = await makeTempDir();
    fx.store = await MessageStore.open(smallStoreOptions(fx.dir), { now: () => NOW });
    const record = 91 + 9 + 1000; // topic "TopicTest", body 1000, no properties
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await fx.store.putMessage(message({ body: Buffer.alloc(1000, i) })));
    // 3 records = 3300 bytes; the 4th needs 1100 + 8 > 796 left: blank at 3300, record at 4096.
    expect(results.map((r) => r.wroteOffset)).toEqual([0, record, 2 * record, 4096]);
    await fx.store.flush();
    const segment = fs.readFileSync(path.join(fx.dir, 'commitlog', '00000000000000000000'));
    expect(segment.subarray(3 * record, 3 * record + 8)).toEqual(
      Buffer.concat([int(4096 - 3 * record), Buffer.from([0xcb, 0xd4, 0x31, 0x94])]),
    );
    expect(segment.subarray(3 * record + 8).every((byte) => byte === 0)).toBe(true);
    expect(fs.readdirSync(path.join(fx.dir, 'commitlog'))).toEqual(['00000000000000000000', '00000000000000004096']);
  });
});

describe('ConsumeQueue entry', () => {
  it('is [commitLogOffset:8][size:4][tagsCode:8] big-endian with the tag hash sign-extended', () => {
    const buf = Buffer.alloc(CQ_STORE_UNIT_SIZE);
    const tagsCode = javaStringHashCode('polygenelubricants'); // -2147483648
    writeConsumeQueueEntry(buf, 0, 0x0102030405, 1234, tagsCode);
    expect(buf.toString('hex')).toBe('0000000102030405' + '000004d2' + 'ffffffff80000000');
    expect(readConsumeQueueEntry(buf, 0)).toEqual({ commitLogOffset: 0x0102030405, size: 1234, tagsCode });
  });

  it('lands in consumequeue/<topic>/<queueId>/ at byte queueOffset*20', async () => {
    fx.dir = await makeTempDir();
    fx.store = await MessageStore.open(smallStoreOptions(fx.dir));
    const a = await fx.store.putMessage(message({ queueId: 2, tags: 'TagA' }));
    const b = await fx.store.putMessage(message({ queueId: 2 }));
    await fx.store.flush();
    const file = fs.readFileSync(path.join(fx.dir, 'consumequeue', 'TopicTest', '2', '00000000000000000000'));
    expect(file.length).toBe(16 * CQ_STORE_UNIT_SIZE);
    expect(file.subarray(0, 20)).toEqual(Buffer.concat([long(a.wroteOffset), int(a.wroteBytes), long(2598919)]));
    expect(file.subarray(20, 40)).toEqual(Buffer.concat([long(b.wroteOffset), int(b.wroteBytes), long(0)]));
    expect(file.subarray(40).every((byte) => byte === 0)).toBe(true);
  });
});

describe('IndexFile layout', () => {
  it('encodes the 40-byte header field by field', () => {
    const header = {
      beginTimestamp: NOW,
      endTimestamp: NOW + 5000,
      beginPhyOffset: 7,
      endPhyOffset: 4096,
      hashSlotCount: 3,
      indexCount: 5,
    };
    const expected = Buffer.concat([long(NOW), long(NOW + 5000), long(7), long(4096), int(3), int(5)]);
    expect(encodeIndexHeader(header)).toEqual(expected);
    expect(decodeIndexHeader(expected)).toEqual(header);
  });

  it('hashes |javaStringHashCode(topic#key)| with Integer.MIN_VALUE as 0', () => {
    expect(indexKeyHash('TopicTest#k1')).toBe(Math.abs(javaStringHashCode('TopicTest#k1')));
    expect(indexKeyHash('polygenelubricants')).toBe(0);
  });

  it('writes slot and entry where the spec puts them', async () => {
    fx.dir = await makeTempDir();
    fx.store = await MessageStore.open(smallStoreOptions(fx.dir), { now: () => NOW });
    const put = await fx.store.putMessage(message({ keys: 'order-1' }));
    await fx.store.flush();
    const [name] = fs.readdirSync(path.join(fx.dir, 'index'));
    expect(name).toMatch(/^\d{17}$/);
    const file = fs.readFileSync(path.join(fx.dir, 'index', name));
    const slots = 64;
    expect(file.length).toBe(40 + slots * 4 + 32 * 20);
    expect(decodeIndexHeader(file)).toEqual({
      beginTimestamp: NOW,
      endTimestamp: NOW,
      beginPhyOffset: put.wroteOffset,
      endPhyOffset: put.wroteOffset,
      hashSlotCount: 1,
      indexCount: 2,
    });
    const keyHash = indexKeyHash('TopicTest#order-1');
    expect(file.readInt32BE(40 + (keyHash % slots) * 4)).toBe(1);
    const entry = 40 + slots * 4 + 1 * 20;
    expect(file.subarray(entry, entry + 20)).toEqual(
      Buffer.concat([int(keyHash), long(put.wroteOffset), int(0), int(0)]),
    );
  });
});

describe('checkpoint', () => {
  it('encodes the upstream longs and our logicsPhyOffset at 40', () => {
    const data = {
      physicMsgTimestamp: 1,
      logicsMsgTimestamp: 2,
      indexMsgTimestamp: 3,
      masterFlushedOffset: 4,
      confirmPhyOffset: 5,
      logicsPhyOffset: 6,
    };
    const expected = Buffer.concat([long(1), long(2), long(3), long(4), long(5), long(6)]);
    expect(encodeCheckpoint(data)).toEqual(expected);
    expect(decodeCheckpoint(expected)).toEqual(data);
  });

  it('records flushed and dispatched offsets in the 4 KiB file at shutdown', async () => {
    fx.dir = await makeTempDir();
    fx.store = await MessageStore.open(smallStoreOptions(fx.dir), { now: () => NOW });
    const put = await fx.store.putMessage(message({ keys: 'k' }));
    await fx.store.shutdown();
    fx.store = undefined;
    const file = fs.readFileSync(path.join(fx.dir, 'checkpoint'));
    expect(file.length).toBe(4096);
    const end = put.wroteOffset + put.wroteBytes;
    expect(decodeCheckpoint(file)).toEqual({
      physicMsgTimestamp: NOW,
      logicsMsgTimestamp: NOW,
      indexMsgTimestamp: NOW,
      masterFlushedOffset: end,
      confirmPhyOffset: 0,
      logicsPhyOffset: end,
    });
    expect(fs.existsSync(path.join(fx.dir, 'abort'))).toBe(false);
    expect(fs.existsSync(path.join(fx.dir, 'lock'))).toBe(false);
  });
});
