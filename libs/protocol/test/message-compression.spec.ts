import fc from 'fast-check';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  CompressionError,
  compressBody,
  compressBodyAsync,
  decompressBody,
  decompressBodyAsync,
  MessageSysFlag,
  setCompressed,
  UnsupportedCompressionError,
} from '@rocketnest/protocol';

const ZLIB = setCompressed(0, 'ZLIB');
const TV9 = '785EF348CDC9C95708CA4FCE4E2DF10D04002626051B';

describe('compressBody', () => {
  it('produces the TV9 zlib bytes at level 5, sync and async', async () => {
    expect(compressBody(Buffer.from('Hello RocketMQ')).toString('hex').toUpperCase()).toBe(TV9);
    expect((await compressBodyAsync(Buffer.from('Hello RocketMQ'))).toString('hex').toUpperCase()).toBe(TV9);
  });

  it('refuses LZ4 and ZSTD with a typed error', async () => {
    expect(() => compressBody(Buffer.from('x'), 'LZ4')).toThrow(UnsupportedCompressionError);
    await expect(compressBodyAsync(Buffer.from('x'), 'ZSTD')).rejects.toBeInstanceOf(UnsupportedCompressionError);
  });
});

describe('decompressBody', () => {
  it('inflates TV9 for type ZLIB and for the legacy type 0', async () => {
    const body = Buffer.from(TV9, 'hex');
    expect(decompressBody(body, ZLIB).toString()).toBe('Hello RocketMQ');
    expect(decompressBody(body, MessageSysFlag.COMPRESSED_FLAG).toString()).toBe('Hello RocketMQ');
    expect((await decompressBodyAsync(body, 0x305)).toString()).toBe('Hello RocketMQ');
  });

  it('returns the same buffer when the COMPRESSED bit is clear', async () => {
    const body = Buffer.from('plain');
    expect(decompressBody(body, 0x300)).toBe(body);
    expect(await decompressBodyAsync(body, 0)).toBe(body);
  });

  it('raises UnsupportedCompressionError for LZ4, ZSTD and unassigned types', async () => {
    const body = Buffer.from('x');
    expect(() => decompressBody(body, 0x101)).toThrow(UnsupportedCompressionError);
    await expect(decompressBodyAsync(body, 0x201)).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_COMPRESSION',
      compressionType: 'ZSTD',
    });
    expect(() => decompressBody(body, 0x501)).toThrow(/0x500/);
  });

  it('stops a zip bomb at maxOutputBytes', async () => {
    const bomb = zlib.deflateSync(Buffer.alloc(10_000_000));
    expect(bomb.length).toBeLessThan(20_000);
    expect(() => decompressBody(bomb, ZLIB, { maxOutputBytes: 1_000_000 })).toThrow(/maxOutputBytes/);
    await expect(decompressBodyAsync(bomb, ZLIB, { maxOutputBytes: 1_000_000 })).rejects.toBeInstanceOf(
      CompressionError,
    );
    expect(decompressBody(bomb, ZLIB, { maxOutputBytes: 10_000_000 })).toHaveLength(10_000_000);
  });

  it('reports corrupt data as CompressionError with the zlib cause', async () => {
    expect(() => decompressBody(Buffer.from('garbage'), ZLIB)).toThrow(CompressionError);
    await expect(decompressBodyAsync(Buffer.from('garbage'), ZLIB)).rejects.toMatchObject({
      code: 'ERR_COMPRESSION',
      cause: expect.objectContaining({ code: 'Z_DATA_ERROR' }),
    });
  });

  it('rejects a non-positive maxOutputBytes', () => {
    expect(() => decompressBody(Buffer.from(TV9, 'hex'), ZLIB, { maxOutputBytes: 0 })).toThrow(RangeError);
  });

  it('round-trips any body', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (bytes) => {
        const body = Buffer.from(bytes);
        expect(decompressBody(compressBody(body), ZLIB)).toEqual(body);
      }),
      { numRuns: 50 },
    );
  });
});
