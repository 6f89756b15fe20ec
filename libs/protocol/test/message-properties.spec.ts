import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendProperty,
  decodeProperties,
  encodeProperties,
  hasProperty,
  isReservedPropertyName,
  MessageConst,
  ProtocolError,
  readProperty,
  removeProperty,
  RESERVED_PROPERTY_NAMES,
} from '@rocketnest/protocol';

// Alphabet dense in separators so random strings hit every parsing branch.
const sepString = fc.string({ unit: fc.constantFrom('\u0001', '\u0002', 'A', 'B', 'é', '\u{1F600}'), maxLength: 24 });
const propName = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/[\u0001\u0002]/.test(s));
const propValue = fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' }).filter((s) => !s.includes('\u0002'));

describe('decodeProperties', () => {
  it('parses the TV8 edge cases exactly like Java string2messageProperties', () => {
    expect(decodeProperties('A\x01x\x02B\x01y\x02')).toEqual({ A: 'x', B: 'y' });
    expect(decodeProperties('A\x01x\x02B\x01y')).toEqual({ A: 'x', B: 'y' });
    expect(decodeProperties('A\x01\x02B\x01y\x02')).toEqual({ B: 'y' });
    expect(decodeProperties('\x01x\x02')).toEqual({});
    expect(decodeProperties('A\x01x\x01y\x02')).toEqual({ A: 'x\x01y' });
    expect(decodeProperties('AB\x02')).toEqual({});
  });

  it('keeps the last value of a repeated name and ignores empty segments', () => {
    expect(decodeProperties('A\x01x\x02\x02\x02A\x01z\x02')).toEqual({ A: 'z' });
    expect(decodeProperties('')).toEqual({});
  });

  it('treats __proto__ as an ordinary name', () => {
    const map = decodeProperties('__proto__\x01x\x02');
    expect(Object.hasOwn(map, '__proto__')).toBe(true);
    expect(map['__proto__']).toBe('x');
  });

  it('matches a direct port of the Java algorithm on arbitrary strings', () => {
    const javaPort = (s: string): Record<string, string> => {
      const out: Record<string, string> = Object.create(null) as Record<string, string>;
      let index = 0;
      while (index < s.length) {
        let next = s.indexOf('\x02', index);
        if (next < 0) next = s.length;
        if (next - index >= 3) {
          const kv = s.indexOf('\x01', index);
          if (kv > index && kv < next - 1) out[s.substring(index, kv)] = s.substring(kv + 1, next);
        }
        index = next + 1;
      }
      return out;
    };
    fc.assert(
      fc.property(sepString, (s) => {
        expect(decodeProperties(s)).toEqual(javaPort(s));
      }),
    );
  });
});

describe('encodeProperties', () => {
  it('writes name, \\u0001, value, \\u0002 for every pair', () => {
    expect(encodeProperties({ UNIQ_KEY: 'C0A8', WAIT: 'true' })).toBe('UNIQ_KEY\x01C0A8\x02WAIT\x01true\x02');
    expect(encodeProperties(new Map([['TAGS', 'TagA']]))).toBe('TAGS\x01TagA\x02');
    expect(encodeProperties({})).toBe('');
  });

  it('skips undefined and null values', () => {
    expect(encodeProperties({ A: 'x', B: undefined, C: null })).toBe('A\x01x\x02');
  });

  it('rejects names holding separators and values holding \\u0002', () => {
    expect(() => encodeProperties({ 'A\x01': 'x' })).toThrow(ProtocolError);
    expect(() => encodeProperties({ A: 'x\x02' })).toThrow(ProtocolError);
    expect(() => encodeProperties({ '': 'x' })).toThrow(ProtocolError);
  });

  it('round-trips any valid map', () => {
    fc.assert(
      fc.property(fc.dictionary(propName, propValue), (props) => {
        expect(decodeProperties(encodeProperties(props))).toEqual(props);
        expect(decodeProperties(encodeProperties(new Map(Object.entries(props))))).toEqual(props);
      }),
    );
  });
});

describe('readProperty', () => {
  it('finds a value in the TV4 properties string', () => {
    const s = 'UNIQ_KEY\x01C0A8000A303912345678075BCD150007\x02WAIT\x01true\x02TAGS\x01TagA\x02';
    expect(readProperty(s, MessageConst.TAGS)).toBe('TagA');
    expect(readProperty(s, MessageConst.UNIQ_KEY)).toBe('C0A8000A303912345678075BCD150007');
    expect(readProperty(s, MessageConst.KEYS)).toBeUndefined();
    expect(hasProperty(s, 'WAIT')).toBe(true);
  });

  it('does not match a name that is a suffix or prefix of another', () => {
    const s = 'XTAGS\x01a\x02TAGSX\x01b\x02V\x01TAGS\x02';
    expect(readProperty(s, 'TAGS')).toBeUndefined();
    expect(readProperty(s, 'TAGSX')).toBe('b');
  });

  it('agrees with decodeProperties on arbitrary strings', () => {
    fc.assert(
      fc.property(sepString, fc.constantFrom('A', 'B', 'AB', 'A\x01', 'é'), (s, name) => {
        expect(readProperty(s, name)).toBe(decodeProperties(s)[name]);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('appendProperty and removeProperty', () => {
  it('appends a pair, adding a missing final separator', () => {
    expect(appendProperty('A\x01x', 'B', 'y')).toBe('A\x01x\x02B\x01y\x02');
    expect(appendProperty('', 'B', 'y')).toBe('B\x01y\x02');
  });

  it('removes every pair with the name and keeps the others', () => {
    fc.assert(
      fc.property(sepString, fc.constantFrom('A', 'B', 'AB'), (s, name) => {
        const expected = decodeProperties(s);
        delete expected[name];
        expect(decodeProperties(removeProperty(s, name))).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('reserved property names', () => {
  it('reserves system keys and leaves the user-settable ones of 5.2 free', () => {
    for (const name of ['KEYS', 'TAGS', 'WAIT', 'DELAY', 'UNIQ_KEY', 'CLUSTER', '__CRC32#', 'DLQ_ORIGIN_TOPIC'])
      expect(isReservedPropertyName(name)).toBe(true);
    for (const name of ['CHECK_IMMUNITY_TIME_IN_SECONDS', '__transactionId__', '__SHARDINGKEY', 'TRACE_CONTEXT'])
      expect(isReservedPropertyName(name)).toBe(false);
    expect(isReservedPropertyName('myKey')).toBe(false);
    expect(RESERVED_PROPERTY_NAMES.size).toBeGreaterThan(40);
  });
});
