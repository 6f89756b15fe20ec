import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BLANK_MAGIC_CODE,
  checkStoredRecord,
  decodeProperties,
  decodeStoredMessage,
  decodeStoredMessages,
  encodeStoredMessage,
  MESSAGE_MAGIC_CODE_V1,
  MESSAGE_MAGIC_CODE_V2,
  MessageRecordInput,
  MessageSysFlag,
  parseHostAddress,
  patchStoredRecord,
  ProtocolError,
  storedMessageSize,
  storedRecordLength,
  writeBlankRecord,
  writeStoredMessage,
} from '@rocketnest/protocol';

const hex = (s: string): Buffer =>
  Buffer.from(
    s
      .split('\n')
      .map((line) => line.replace(/^\s*[0-9a-f]{4}:/i, ''))
      .join(' ')
      .replace(/[^0-9a-f]/gi, ''),
    'hex',
  );

// remoting-protocol.md section 10, TV4.
const TV4 = hex(`
0000: 00 00 00 b0 da a3 20 a7 69 c8 65 ed 00 00 00 00
0010: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
0020: 00 00 00 00 00 00 00 00 00 00 01 8b cf e5 68 00
0030: 7f 00 00 01 00 00 d4 31 00 00 01 8b cf e5 68 7b
0040: 7f 00 00 01 00 00 2a 9f 00 00 00 00 00 00 00 00
0050: 00 00 00 00 00 00 00 0e 48 65 6c 6c 6f 20 52 6f
0060: 63 6b 65 74 4d 51 09 54 6f 70 69 63 54 65 73 74
0070: 00 3e 55 4e 49 51 5f 4b 45 59 01 43 30 41 38 30
0080: 30 30 41 33 30 33 39 31 32 33 34 35 36 37 38 30
0090: 37 35 42 43 44 31 35 30 30 30 37 02 57 41 49 54
00a0: 01 74 72 75 65 02 54 41 47 53 01 54 61 67 41 02`);

const TV4_PROPERTIES = 'UNIQ_KEY\x01C0A8000A303912345678075BCD150007\x02WAIT\x01true\x02TAGS\x01TagA\x02';

function tv4Input(): MessageRecordInput {
  return {
    queueId: 0,
    flag: 0,
    queueOffset: 0,
    physicalOffset: 0,
    sysFlag: 0,
    bornTimestamp: 1700000000000,
    bornHost: '127.0.0.1:54321',
    storeTimestamp: 1700000000123,
    storeHost: '127.0.0.1:10911',
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    body: Buffer.from('Hello RocketMQ'),
    topic: 'TopicTest',
    properties: TV4_PROPERTIES,
  };
}

const long = fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 });
const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const host = fc
  .tuple(fc.oneof(fc.ipV4(), fc.ipV6()), fc.integer({ min: 0, max: 65535 }))
  .map(([ip, port]) => `${ip}:${port}`);
const propName = fc.string({ minLength: 1, maxLength: 10 }).filter((s) => !/[\u0001\u0002]/.test(s));
const propValue = fc.string({ minLength: 1, maxLength: 16, unit: 'grapheme' }).filter((s) => !s.includes('\u0002'));
const properties = fc
  .dictionary(propName, propValue, { maxKeys: 5 })
  .map((d) => Object.entries(d).reduce((s, [k, v]) => `${s}${k}\x01${v}\x02`, ''));
const recordInput: fc.Arbitrary<MessageRecordInput> = fc.record({
  queueId: int32,
  flag: int32,
  queueOffset: long,
  physicalOffset: long,
  sysFlag: int32,
  bornTimestamp: long,
  bornHost: host,
  storeTimestamp: long,
  storeHost: host,
  reconsumeTimes: int32,
  preparedTransactionOffset: long,
  body: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
  // Up to 200 characters of up to 4 UTF-8 bytes: crosses the 127-byte V1 limit both ways.
  topic: fc.string({ maxLength: 200, unit: fc.constantFrom('a', 'Z', '%', 'é', '\u4e2d', '\u{1F600}') }),
  properties,
});

describe('encodeStoredMessage', () => {
  it('encodes TV4 byte for byte', () => {
    const input = tv4Input();
    expect(storedMessageSize(input)).toBe(176);
    expect(encodeStoredMessage(input).toString('hex')).toBe(TV4.toString('hex'));
  });

  it('uses the given bodyCRC instead of computing one', () => {
    const buf = encodeStoredMessage({ ...tv4Input(), bodyCRC: 42 });
    expect(buf.readInt32BE(8)).toBe(42);
  });

  it('writes V1 up to 127 topic bytes and V2 above', () => {
    const v1 = encodeStoredMessage({ ...tv4Input(), topic: 'a'.repeat(127) });
    expect(v1.readInt32BE(4)).toBe(MESSAGE_MAGIC_CODE_V1);
    expect(v1.length).toBe(91 + 14 + 127 + TV4_PROPERTIES.length);
    const v2 = encodeStoredMessage({ ...tv4Input(), topic: `%RETRY%${'g'.repeat(121)}` });
    expect(v2.readInt32BE(4)).toBe(MESSAGE_MAGIC_CODE_V2);
    expect(v2.readInt16BE(88 + 14)).toBe(128);
    // 43 three-byte characters = 129 bytes although only 43 UTF-16 units.
    expect(encodeStoredMessage({ ...tv4Input(), topic: '\u4e2d'.repeat(43) }).readInt32BE(4)).toBe(
      MESSAGE_MAGIC_CODE_V2,
    );
  });

  it('sets the IPv6 host bits from the hosts and clears stale ones', () => {
    const both = encodeStoredMessage({ ...tv4Input(), bornHost: '::1:5', storeHost: 'fe80::2:10911' });
    expect(both.readInt32BE(36)).toBe(MessageSysFlag.BORNHOST_V6_FLAG | MessageSysFlag.STOREHOSTADDRESS_V6_FLAG);
    expect(both.length).toBe(176 + 24);
    const stale = encodeStoredMessage({ ...tv4Input(), sysFlag: 0x34 });
    expect(stale.readInt32BE(36)).toBe(0x4);
  });

  it('rejects oversized properties and a target that is too small', () => {
    expect(() => encodeStoredMessage({ ...tv4Input(), properties: `A\x01${'x'.repeat(32766)}\x02` })).toThrow(
      ProtocolError,
    );
    expect(() => writeStoredMessage(tv4Input(), Buffer.alloc(175), 0)).toThrow(ProtocolError);
    expect(() => writeStoredMessage(tv4Input(), Buffer.alloc(200), 30)).toThrow(ProtocolError);
  });

  it('writes at an offset inside a larger buffer and returns the size', () => {
    const target = Buffer.alloc(400, 0xee);
    expect(writeStoredMessage(tv4Input(), target, 100)).toBe(176);
    expect(target.subarray(100, 276)).toEqual(TV4);
    expect(target[99]).toBe(0xee);
    expect(target[276]).toBe(0xee);
  });
});

describe('storedRecordLength', () => {
  it('matches the layout formula for IPv4/IPv6 and V1/V2', () => {
    expect(storedRecordLength(0, 14, 9, 62)).toBe(176);
    expect(storedRecordLength(0x30, 14, 9, 62)).toBe(200);
    expect(storedRecordLength(0x10, 0, 128, 0)).toBe(91 + 12 + 1 + 128);
  });
});

describe('decodeStoredMessage', () => {
  it('decodes TV4 with its offsetMsgId', () => {
    const m = decodeStoredMessage(TV4);
    expect(m).toMatchObject({
      storeSize: 176,
      magicCode: MESSAGE_MAGIC_CODE_V1,
      bodyCRC: 1774740973,
      queueId: 0,
      commitLogOffset: 0,
      bornTimestamp: 1700000000000,
      bornHost: '127.0.0.1:54321',
      storeTimestamp: 1700000000123,
      storeHost: '127.0.0.1:10911',
      topic: 'TopicTest',
      offsetMsgId: '7F00000100002A9F0000000000000000',
    });
    expect(m.body.toString()).toBe('Hello RocketMQ');
    expect(m.properties).toEqual({ UNIQ_KEY: 'C0A8000A303912345678075BCD150007', WAIT: 'true', TAGS: 'TagA' });
  });

  it('returns the body as a view, not a copy', () => {
    const buf = Buffer.from(TV4);
    const m = decodeStoredMessage(buf);
    buf[88] = 0x68;
    expect(m.body.toString()).toBe('hello RocketMQ');
  });

  it('round-trips random records (IPv4/IPv6, V1/V2, any body)', () => {
    fc.assert(
      fc.property(recordInput, (input) => {
        const buf = encodeStoredMessage(input);
        const m = decodeStoredMessage(buf);
        const bornV6 = parseHostAddress(input.bornHost).ipv6;
        expect(m.storeSize).toBe(buf.length);
        expect(m.magicCode).toBe(Buffer.byteLength(input.topic) > 127 ? MESSAGE_MAGIC_CODE_V2 : MESSAGE_MAGIC_CODE_V1);
        expect(m.queueId).toBe(input.queueId);
        expect(m.flag).toBe(input.flag);
        expect(m.queueOffset).toBe(input.queueOffset);
        expect(m.commitLogOffset).toBe(input.physicalOffset);
        expect(m.sysFlag & ~0x30).toBe(input.sysFlag & ~0x30);
        expect((m.sysFlag & 0x10) !== 0).toBe(bornV6);
        expect(m.bornTimestamp).toBe(input.bornTimestamp);
        expect(m.storeTimestamp).toBe(input.storeTimestamp);
        expect(m.reconsumeTimes).toBe(input.reconsumeTimes);
        expect(m.preparedTransactionOffset).toBe(input.preparedTransactionOffset);
        expect(m.body).toEqual(input.body);
        expect(m.topic).toBe(input.topic);
        expect(m.properties).toEqual(decodeProperties(input.properties));
        expect(encodeStoredMessage({ ...input, bornHost: m.bornHost, storeHost: m.storeHost })).toEqual(buf);
        expect(checkStoredRecord(buf, 0, buf.length).kind).toBe('message');
      }),
      { numRuns: 300 },
    );
  });

  it('throws ProtocolError (and check says invalid or end) for every truncation', () => {
    fc.assert(
      fc.property(recordInput, (input) => {
        const buf = encodeStoredMessage(input);
        for (let n = 0; n < buf.length; n++) {
          const cut = Buffer.from(buf.subarray(0, n));
          expect(() => decodeStoredMessage(cut)).toThrow(ProtocolError);
          const check = checkStoredRecord(cut, 0, n);
          expect(['invalid', 'end']).toContain(check.kind);
          if (check.kind === 'end') expect(cut.every((b) => b === 0)).toBe(true);
          expect(checkStoredRecord(buf, 0, n).kind).not.toBe('message');
          expect(decodeStoredMessages(cut)).toEqual([]);
        }
      }),
      { numRuns: 20 },
    );
  });

  it('never throws anything but ProtocolError on random bytes', () => {
    const magic = fc.constantFrom(MESSAGE_MAGIC_CODE_V1, MESSAGE_MAGIC_CODE_V2, BLANK_MAGIC_CODE, 0, 1);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), magic, fc.integer({ min: 0, max: 400 }), (bytes, m, size) => {
        const buf = Buffer.from(bytes);
        if (buf.length >= 8) {
          buf.writeInt32BE(size, 0);
          buf.writeInt32BE(m, 4);
        }
        try {
          decodeStoredMessage(buf);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
        expect(['message', 'blank', 'invalid', 'end']).toContain(checkStoredRecord(buf, 0, buf.length).kind);
        decodeStoredMessages(buf);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects an offset outside the buffer', () => {
    expect(() => decodeStoredMessage(TV4, 177)).toThrow(ProtocolError);
    expect(() => decodeStoredMessage(TV4, -1)).toThrow(ProtocolError);
  });
});

describe('decodeStoredMessages', () => {
  it('decodes every count of concatenated records', () => {
    fc.assert(
      fc.property(fc.array(recordInput, { maxLength: 6 }), (inputs) => {
        const buf = Buffer.concat(inputs.map(encodeStoredMessage));
        const messages = decodeStoredMessages(buf);
        expect(messages.map((m) => m.topic)).toEqual(inputs.map((i) => i.topic));
        expect(messages.map((m) => m.body)).toEqual(inputs.map((i) => i.body));
      }),
      { numRuns: 100 },
    );
  });

  it('stops at the first record that fails to parse and keeps the earlier ones', () => {
    const two = Buffer.concat([TV4, TV4, TV4]);
    two.writeInt32BE(0x12345678, 176 + 4);
    expect(decodeStoredMessages(two)).toHaveLength(1);
    expect(decodeStoredMessages(Buffer.concat([TV4, TV4.subarray(0, 100)]))).toHaveLength(1);
    expect(decodeStoredMessages(Buffer.alloc(0))).toEqual([]);
  });
});

describe('checkStoredRecord', () => {
  it('reports a valid record with what dispatch needs', () => {
    const result = checkStoredRecord(TV4, 0, 176);
    expect(result).toMatchObject({
      kind: 'message',
      size: 176,
      queueOffset: 0,
      physicalOffset: 0,
      storeTimestamp: 1700000000123,
      bodyOffset: 88,
      bodyLength: 14,
      topic: 'TopicTest',
      properties: TV4_PROPERTIES,
    });
  });

  it('finds a record at an offset and caps available to the buffer', () => {
    const file = Buffer.alloc(1000);
    writeStoredMessage(tv4Input(), file, 300);
    expect(checkStoredRecord(file, 300, 10_000).kind).toBe('message');
    expect(checkStoredRecord(file, 476, 524)).toEqual({ kind: 'end' });
  });

  it('reports a body CRC mismatch unless CRC checking is off', () => {
    const bad = Buffer.from(TV4);
    bad[90] ^= 1;
    expect(checkStoredRecord(bad, 0, 176)).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/CRC/) });
    expect(checkStoredRecord(bad, 0, 176, { checkCrc: false }).kind).toBe('message');
  });

  it('reports blank records, zero-filled space and bad magic', () => {
    const file = Buffer.alloc(64);
    writeBlankRecord(file, 8, 56);
    expect(checkStoredRecord(file, 8, 56)).toEqual({ kind: 'blank', size: 56 });
    expect(checkStoredRecord(file, 0, 8)).toEqual({ kind: 'end' });
    expect(checkStoredRecord(file, 64, 0)).toEqual({ kind: 'end' });
    const garbage = Buffer.from(TV4);
    garbage.writeInt32BE(7, 4);
    expect(checkStoredRecord(garbage, 0, 176)).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/magic/),
    });
  });

  it('reports a size field that disagrees with the field lengths', () => {
    const longer = Buffer.concat([TV4, Buffer.alloc(4)]);
    longer.writeInt32BE(180, 0);
    expect(checkStoredRecord(longer, 0, 180).kind).toBe('invalid');
    expect(() => decodeStoredMessage(longer)).toThrow(ProtocolError);
  });
});

describe('patchStoredRecord', () => {
  it('fills queue offset, physical offset and store time in place, after IPv6 born hosts too', () => {
    for (const bornHost of ['127.0.0.1:1', '::1:1']) {
      const buf = encodeStoredMessage({ ...tv4Input(), bornHost, queueOffset: 0, physicalOffset: 0 });
      patchStoredRecord(buf, 0, 77, 2 ** 40 + 5, 1800000000000);
      const m = decodeStoredMessage(buf);
      expect([m.queueOffset, m.commitLogOffset, m.storeTimestamp]).toEqual([77, 2 ** 40 + 5, 1800000000000]);
      expect(checkStoredRecord(buf, 0, buf.length).kind).toBe('message');
    }
  });
});
