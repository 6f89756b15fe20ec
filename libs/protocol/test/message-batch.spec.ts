import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BatchEntry,
  decodeBatchBody,
  decodeBatchBodyRaw,
  encodeBatchBody,
  encodeProperties,
  ProtocolError,
} from '@rocketnest/protocol';

// remoting-protocol.md section 10, TV6.
const TV6 = Buffer.from(
  `00 00 00 1f 00 00 00 00 00 00 00 00 00 00 00 00
   00 00 00 02 6d 31 00 07 54 41 47 53 01 41 02 00
   00 00 20 00 00 00 00 00 00 00 00 00 00 00 00 00
   00 00 02 6d 32 00 08 4b 45 59 53 01 6b 32 02`.replace(/\s/g, ''),
  'hex',
);

const propName = fc.string({ minLength: 1, maxLength: 10 }).filter((s) => !/[\u0001\u0002]/.test(s));
const propValue = fc.string({ minLength: 1, maxLength: 16, unit: 'grapheme' }).filter((s) => !s.includes('\u0002'));
const entry: fc.Arbitrary<BatchEntry> = fc.record({
  flag: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  body: fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
  properties: fc.dictionary(propName, propValue, { maxKeys: 4 }),
});

describe('encodeBatchBody', () => {
  it('encodes TV6 byte for byte', () => {
    const body = encodeBatchBody([
      { flag: 0, body: Buffer.from('m1'), properties: { TAGS: 'A' } },
      { flag: 0, body: Buffer.from('m2'), properties: 'KEYS\x01k2\x02' },
    ]);
    expect(body.toString('hex')).toBe(TV6.toString('hex'));
    expect(body.length).toBe(63);
  });

  it('rejects properties over 32767 bytes', () => {
    expect(() => encodeBatchBody([{ flag: 0, body: Buffer.alloc(0), properties: { A: 'x'.repeat(32765) } }])).toThrow(
      ProtocolError,
    );
  });

  it('encodes an empty batch as an empty body', () => {
    expect(encodeBatchBody([])).toHaveLength(0);
  });
});

describe('decodeBatchBody', () => {
  it('decodes TV6', () => {
    expect(decodeBatchBody(TV6)).toEqual([
      { flag: 0, body: Buffer.from('m1'), properties: { TAGS: 'A' } },
      { flag: 0, body: Buffer.from('m2'), properties: { KEYS: 'k2' } },
    ]);
    expect(decodeBatchBodyRaw(TV6).map((e) => e.properties)).toEqual(['TAGS\x01A\x02', 'KEYS\x01k2\x02']);
  });

  it('returns bodies as views into the request body', () => {
    const buf = Buffer.from(TV6);
    const [first] = decodeBatchBodyRaw(buf);
    buf[20] = 0x4d;
    expect(first.body.toString()).toBe('M1');
  });

  it('ignores totalSize, magic and CRC like the Java broker', () => {
    const buf = Buffer.from(TV6);
    buf.writeInt32BE(999, 0);
    buf.writeInt32BE(-1, 4);
    buf.writeInt32BE(12345, 8);
    expect(decodeBatchBody(buf)).toEqual(decodeBatchBody(TV6));
  });

  it('throws ProtocolError for every truncation and for negative lengths', () => {
    for (let n = 1; n < TV6.length; n++) {
      if (n === 31) continue; // a whole first record is a valid one-entry batch
      expect(() => decodeBatchBody(TV6.subarray(0, n)), `length ${n}`).toThrow(ProtocolError);
    }
    expect(decodeBatchBody(TV6.subarray(0, 31))).toHaveLength(1);
    const negative = Buffer.from(TV6);
    negative.writeInt32BE(-2, 16);
    expect(() => decodeBatchBody(negative)).toThrow(ProtocolError);
    const negativeProps = Buffer.from(TV6);
    negativeProps.writeInt16BE(-7, 22);
    expect(() => decodeBatchBody(negativeProps)).toThrow(/properties length/);
  });

  it('round-trips random batches and rejects their truncations', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 5 }), (entries) => {
        const body = encodeBatchBody(entries);
        expect(decodeBatchBody(body)).toEqual(entries);
        expect(decodeBatchBodyRaw(body).map((e) => e.properties)).toEqual(
          entries.map((e) => encodeProperties(e.properties)),
        );
        const boundaries = new Set<number>();
        let at = 0;
        for (const e of entries)
          boundaries.add((at += 22 + e.body.length + Buffer.byteLength(encodeProperties(e.properties))));
        for (let n = 1; n < body.length; n++) {
          if (boundaries.has(n)) continue;
          expect(() => decodeBatchBodyRaw(body.subarray(0, n))).toThrow(ProtocolError);
        }
      }),
      { numRuns: 200 },
    );
  });
});
