import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createOffsetMsgId, decodeOffsetMsgId, ProtocolError } from '@rocketnest/protocol';

describe('createOffsetMsgId', () => {
  it('encodes the TV5 and TV4 vectors', () => {
    expect(createOffsetMsgId('10.0.0.5:10911', 1234567)).toBe('0A00000500002A9F000000000012D687');
    expect(createOffsetMsgId('127.0.0.1:10911', 0)).toBe('7F00000100002A9F0000000000000000');
  });

  it('encodes IPv6 store hosts in 56 characters', () => {
    expect(createOffsetMsgId('::1:10911', 2 ** 40)).toBe(
      '00000000000000000000000000000001' + '00002A9F' + '0000010000000000',
    );
  });
});

describe('decodeOffsetMsgId', () => {
  it('decodes the TV5 vector', () => {
    expect(decodeOffsetMsgId('0A00000500002A9F000000000012D687')).toEqual({
      address: '10.0.0.5:10911',
      ip: '10.0.0.5',
      port: 10911,
      ipv6: false,
      physicalOffset: 1234567,
    });
  });

  it('accepts lower-case hex and IPv6 ids', () => {
    expect(decodeOffsetMsgId('0a00000500002a9f000000000012d687').physicalOffset).toBe(1234567);
    expect(decodeOffsetMsgId(createOffsetMsgId('2001:db8::1:80', 5)).address).toBe('2001:db8::1:80');
  });

  it('rejects wrong lengths, non-hex text and offsets beyond 2^53', () => {
    for (const bad of ['', '0A000005', 'ZZ00000500002A9F000000000012D687', '0A00000500002A9F000000000012D6870'])
      expect(() => decodeOffsetMsgId(bad), bad).toThrow(ProtocolError);
    expect(() => decodeOffsetMsgId('0A00000500002A9F7FFFFFFFFFFFFFFF')).toThrow(ProtocolError);
  });

  it('round-trips any IPv4/IPv6 host, port and offset', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.ipV4(), fc.ipV6()),
        fc.integer({ min: 0, max: 65535 }),
        fc.maxSafeNat(),
        (ip, port, offset) => {
          const id = createOffsetMsgId(`${ip}:${port}`, offset);
          const decoded = decodeOffsetMsgId(id);
          expect(decoded.port).toBe(port);
          expect(decoded.physicalOffset).toBe(offset);
          expect(createOffsetMsgId(decoded.address, offset)).toBe(id);
          expect(id).toBe(id.toUpperCase());
        },
      ),
    );
  });
});
