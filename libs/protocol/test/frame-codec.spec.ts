import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createRequest,
  createResponse,
  decodeFrame,
  encodeFrame,
  FrameDecoder,
  ProtocolError,
  RemotingCommand,
  SerializeType,
} from '@rocketnest/protocol';

const hex = (s: string): Buffer => Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex');

// remoting-protocol.md section 10, TV1-TV3.
const TV1 = hex(`00 00 00 87 00 00 00 83`);
const TV1_HEADER =
  '{"code":105,"extFields":{"topic":"TopicTest"},"flag":0,"language":"JAVA","opaque":1,"serializeTypeCurrentRPC":"JSON","version":413}';
const TV2 = hex(`00 00 00 2d 01 00 00 29 00 69 00 01 9d 00 00 00
  01 00 00 00 00 00 00 00 00 00 00 00 14 00 05 74
  6f 70 69 63 00 00 00 09 54 6f 70 69 63 54 65 73 74`);
const TV3_HEADER = '{"code":0,"flag":1,"language":"JAVA","opaque":1,"serializeTypeCurrentRPC":"JSON","version":413}';

function routeRequest(serializeType: SerializeType): RemotingCommand {
  return {
    code: 105,
    language: 'JAVA',
    version: 413,
    opaque: 1,
    flag: 0,
    remark: null,
    extFields: { topic: 'TopicTest' },
    body: null,
    serializeType,
  };
}

describe('frame codec', () => {
  it('encodes TV1 (JSON request) byte for byte', () => {
    const frame = encodeFrame(routeRequest(SerializeType.JSON));
    expect(frame).toEqual(Buffer.concat([TV1, Buffer.from(TV1_HEADER)]));
    expect(frame.length).toBe(139);
  });

  it('encodes TV2 (ROCKETMQ request) byte for byte and decodes it back', () => {
    expect(encodeFrame(routeRequest(SerializeType.ROCKETMQ))).toEqual(TV2);
    expect(decodeFrame(TV2)).toEqual(routeRequest(SerializeType.ROCKETMQ));
  });

  it('encodes TV3 (JSON response with body) byte for byte', () => {
    const request = routeRequest(SerializeType.JSON);
    const response = createResponse(request, 0, { body: Buffer.from('{}'), version: 413 });
    const frame = encodeFrame(response);
    expect(frame.readInt32BE(0)).toBe(101);
    expect(frame.subarray(8, 8 + 95).toString()).toBe(TV3_HEADER);
    expect(frame.subarray(103).toString()).toBe('{}');
    const decoded = decodeFrame(frame);
    expect(decoded.body?.toString()).toBe('{}');
    expect(decoded.flag).toBe(1);
  });

  it('decodes lenient JSON headers: any order, numbers in extFields, language in lower case', () => {
    const header = '{"opaque":7,"extFields":{"queueId":0,"unitMode":false,"gone":null},"language":"go","code":11}';
    const frame = Buffer.alloc(8 + header.length);
    frame.writeInt32BE(4 + header.length, 0);
    frame.writeInt32BE(header.length, 4);
    frame.write(header, 8);
    const command = decodeFrame(frame);
    expect(command).toMatchObject({ code: 11, opaque: 7, flag: 0, version: 0, language: 'GO', remark: null });
    expect(command.extFields).toEqual({ queueId: '0', unitMode: 'false' });
  });

  it('feeds a frame one byte at a time and many frames in one chunk', () => {
    const frames = [
      createRequest(10, { body: Buffer.from('abc') }),
      createRequest(11, { serializeType: SerializeType.ROCKETMQ, extFields: { a: 'b' } }),
    ];
    const bytes = Buffer.concat(frames.map(encodeFrame));
    const oneByOne: RemotingCommand[] = [];
    const decoder = new FrameDecoder();
    for (let i = 0; i < bytes.length; i++) decoder.push(bytes.subarray(i, i + 1), (c) => oneByOne.push(c));
    const together: RemotingCommand[] = [];
    new FrameDecoder().push(bytes, (c) => together.push(c));
    expect(oneByOne).toEqual(together);
    expect(together.map((c) => c.code)).toEqual([10, 11]);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('rejects a frame over maxFrameBytes before buffering it', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 1024 });
    const head = Buffer.alloc(4);
    head.writeInt32BE(2000, 0);
    expect(() => decoder.push(head, () => undefined)).toThrow(ProtocolError);
  });

  it('rejects a header length larger than the frame and unknown serialize types', () => {
    const bad = Buffer.alloc(12);
    bad.writeInt32BE(8, 0);
    bad.writeInt32BE(100, 4);
    expect(() => decodeFrame(bad)).toThrow(/header length/);
    bad.writeInt32BE((7 << 24) | 2, 4);
    expect(() => decodeFrame(bad)).toThrow(/serialize type/);
  });

  const commandArb = fc.record({
    code: fc.integer({ min: -32768, max: 32767 }),
    language: fc.constantFrom('JAVA', 'GO', 'OTHER', 'NODE_JS' as const),
    version: fc.integer({ min: 0, max: 32767 }),
    opaque: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    flag: fc.integer({ min: 0, max: 3 }),
    remark: fc.option(fc.string({ minLength: 1 }), { nil: null }),
    extFields: fc.option(fc.dictionary(fc.string({ minLength: 1 }), fc.string({ minLength: 1 })), { nil: null }),
    body: fc.option(
      fc.uint8Array({ minLength: 1, maxLength: 64 }).map((a) => Buffer.from(a)),
      { nil: null },
    ),
    serializeType: fc.constantFrom(SerializeType.JSON, SerializeType.ROCKETMQ),
  });

  it('round-trips any command in both serializations, at every split point', () => {
    fc.assert(
      fc.property(commandArb, fc.nat(), (command, split) => {
        const frame = encodeFrame(command as RemotingCommand);
        const at = split % (frame.length + 1);
        const out: RemotingCommand[] = [];
        const decoder = new FrameDecoder();
        decoder.push(frame.subarray(0, at), (c) => out.push(c));
        decoder.push(frame.subarray(at), (c) => out.push(c));
        expect(out).toHaveLength(1);
        const expected = {
          ...command,
          extFields:
            command.serializeType === SerializeType.ROCKETMQ &&
            command.extFields &&
            Object.keys(command.extFields).length === 0
              ? null
              : command.extFields,
        };
        expect(out[0]).toEqual(expected);
      }),
    );
  });

  it('never throws anything but ProtocolError on random bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) => {
        const decoder = new FrameDecoder({ maxFrameBytes: 4096 });
        try {
          for (const chunk of chunks) decoder.push(Buffer.from(chunk), () => undefined);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('FrameDecoder memory', () => {
  it('holds only received bytes for a large announced frame and decodes it once complete', () => {
    const decoder = new FrameDecoder();
    const head = Buffer.alloc(12);
    head.writeInt32BE(15 * 1024 * 1024, 0);
    decoder.push(head, () => undefined);
    expect(decoder.bufferedBytes).toBe(12);
    // The internal buffer starts small; a big frame still decodes once complete.
    const big = createRequest(10, { body: Buffer.alloc(300_000, 7) });
    const bytes = encodeFrame(big);
    const out: RemotingCommand[] = [];
    const second = new FrameDecoder();
    for (let i = 0; i < bytes.length; i += 1000) second.push(bytes.subarray(i, i + 1000), (c) => out.push(c));
    expect(out).toHaveLength(1);
    expect(out[0]!.body).toEqual(big.body);
  });
});
