import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Table, maskedCrc32 } from '@rocketnest/protocol';

describe('crc32', () => {
  it('matches the spec vectors (4.2, TV4, TV9)', () => {
    expect(crc32(Buffer.from('Hello RocketMQ'))).toBe(0x69c865ed);
    expect(maskedCrc32(Buffer.from('Hello RocketMQ'))).toBe(1774740973);
    expect(maskedCrc32(Buffer.from('hello'))).toBe(907060870);
    expect(crc32(Buffer.alloc(0))).toBe(0);
  });

  it('covers only [start, end) of the buffer', () => {
    const buf = Buffer.from('xxHello RocketMQyy');
    expect(crc32(buf, 2, 16)).toBe(0x69c865ed);
  });

  it('agrees with the table fallback on any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(10), (bytes, cut) => {
        const start = Math.min(cut, bytes.length);
        expect(crc32Table(bytes, start)).toBe(crc32(bytes, start));
      }),
    );
  });
});
