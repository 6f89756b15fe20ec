import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  javaDoubleToString,
  jsonDouble,
  JsonWritable,
  parseJavaDouble,
  parseJavaInt,
  parseJavaLong,
  parseJsonKey,
  parseTolerantJson,
  ProtocolError,
  tryParseTolerantJson,
  writeFastjson,
} from '@rocketnest/protocol';

describe('parseTolerantJson', () => {
  it('parses standard JSON like JSON.parse', () => {
    const text = '{"a":[1,-2.5,true,false,null,"x\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9"],"b":{}}';
    expect(parseTolerantJson(text)).toEqual(JSON.parse(text));
  });

  it('accepts bare numeric keys and returns them as their text', () => {
    expect(parseTolerantJson('{0:"a",1:"b",-1:"c"}')).toEqual({ '0': 'a', '1': 'b', '-1': 'c' });
  });

  it('accepts objects and arrays in key position and keeps their source text', () => {
    const parsed = parseTolerantJson('{{"brokerName":"b","queueId":0,"topic":"T"}:1,[1,2]:2}');
    expect(parsed).toEqual({ '{"brokerName":"b","queueId":0,"topic":"T"}': 1, '[1,2]': 2 });
    expect(parseJsonKey('{"brokerName":"b","queueId":0,"topic":"T"}')).toEqual({
      brokerName: 'b',
      queueId: 0,
      topic: 'T',
    });
  });

  it('accepts bare identifier keys, single quotes and whitespace anywhere', () => {
    expect(parseTolerantJson(" { topic : 'T' ,\n\t'q' : [ 1 , 2 ] } ")).toEqual({ topic: 'T', q: [1, 2] });
  });

  it('keeps longs beyond 2^53 exact as bigint and safe integers as numbers', () => {
    expect(parseTolerantJson('[9223372036854775807,-9223372036854775808,9007199254740993,9007199254740991,0]')).toEqual(
      [9223372036854775807n, -9223372036854775808n, 9007199254740993n, 9007199254740991, 0],
    );
  });

  it('parses fractions and exponents as numbers', () => {
    expect(parseTolerantJson('[0.0,1.5,1.0E7,-2e-3]')).toEqual([0, 1.5, 1e7, -0.002]);
  });

  it('treats a key "__proto__" as data', () => {
    const parsed = parseTolerantJson('{"__proto__":{"x":1}}') as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });

  it('rejects malformed input with a ProtocolError', () => {
    for (const bad of ['', '{', '{"a" 1}', '[1,]x', '{"a":1}}', '"unterminated', '{:1}', 'nul', '[1 2]']) {
      expect(() => parseTolerantJson(bad), bad).toThrow(ProtocolError);
    }
    expect(tryParseTolerantJson('{')).toBeUndefined();
  });

  it('rejects absurd nesting instead of overflowing the stack', () => {
    expect(() => parseTolerantJson('['.repeat(10_000))).toThrow(ProtocolError);
  });

  it('reads a Buffer as UTF-8, with or without a BOM', () => {
    expect(parseTolerantJson(Buffer.from('\ufeff{"é":"ü"}'))).toEqual({ é: 'ü' });
  });
});

describe('writeFastjson', () => {
  it('sorts bean members in Java String order and omits null/undefined members', () => {
    expect(writeFastjson({ b: 1, a: null, B: undefined, A: 'x', _: true })).toBe('{"A":"x","_":true,"b":1}');
  });

  it('writes long map keys bare in legacy mode and quoted in standard mode, sorted numerically', () => {
    const map = new Map<number, JsonWritable>([
      [10, 'x'],
      [2, 'y'],
      [0, 'z'],
    ]);
    expect(writeFastjson({ m: map }, 'legacy')).toBe('{"m":{0:"z",2:"y",10:"x"}}');
    expect(writeFastjson({ m: map }, 'standard')).toBe('{"m":{"0":"z","2":"y","10":"x"}}');
  });

  it('writes object map keys as JSON text (legacy) or as a JSON string of that text (standard)', () => {
    const map = new Map([[{ topic: 'T', queueId: 0, brokerName: 'b' }, 5]]);
    expect(writeFastjson(map, 'legacy')).toBe('{{"brokerName":"b","queueId":0,"topic":"T"}:5}');
    expect(writeFastjson(map, 'standard')).toBe('{"{\\"brokerName\\":\\"b\\",\\"queueId\\":0,\\"topic\\":\\"T\\"}":5}');
  });

  it('escapes like BrowserCompatible in standard mode only (Appendix C facts)', () => {
    expect(writeFastjson('é/x', 'standard')).toBe('"\\u00E9\\/x"');
    expect(writeFastjson('é/x', 'legacy')).toBe('"é/x"');
    expect(writeFastjson('\u0001\n"\\', 'legacy')).toBe('"\\u0001\\n\\"\\\\"');
    expect(writeFastjson(9007199254740993n, 'standard')).toBe('"9007199254740993"');
    expect(writeFastjson(9007199254740993n, 'legacy')).toBe('9007199254740993');
  });

  it('writes Java doubles with a fraction and non-finite doubles as null', () => {
    expect(writeFastjson([jsonDouble(0), jsonDouble(1.5), jsonDouble(1e7), jsonDouble(Number.NaN), 2.5])).toBe(
      '[0.0,1.5,1.0E7,null,2.5]',
    );
  });

  it('writes null array elements as null', () => {
    expect(writeFastjson([1, null, undefined])).toBe('[1,null,null]');
  });

  it('produces valid JSON in standard mode that parses back to the same value', () => {
    const leaf = fc.oneof(fc.string({ unit: 'binary' }), fc.maxSafeInteger(), fc.boolean());
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(fc.string({ unit: 'binary' }), tie('node'), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        const text = writeFastjson(v as JsonWritable, 'standard');
        expect(JSON.parse(text)).toEqual(v);
        expect(parseTolerantJson(text)).toEqual(v);
        expect(parseTolerantJson(writeFastjson(v as JsonWritable, 'legacy'))).toEqual(v);
      }),
      { numRuns: 200 },
    );
  });
});

describe('java-number', () => {
  it('formats doubles like Double.toString', () => {
    expect(javaDoubleToString(0)).toBe('0.0');
    expect(javaDoubleToString(-0)).toBe('-0.0');
    expect(javaDoubleToString(100)).toBe('100.0');
    expect(javaDoubleToString(0.001)).toBe('0.001');
    expect(javaDoubleToString(0.0001)).toBe('1.0E-4');
    expect(javaDoubleToString(1.25e-7)).toBe('1.25E-7');
    expect(javaDoubleToString(9999999)).toBe('9999999.0');
    expect(javaDoubleToString(12345678.9)).toBe('1.23456789E7');
    expect(javaDoubleToString(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });

  it('parses doubles like Double.parseDouble, round-tripping Double.toString', () => {
    expect(parseJavaDouble(' 1.5 ')).toBe(1.5);
    expect(parseJavaDouble('1.0E7')).toBe(1e7);
    expect(parseJavaDouble('2d')).toBe(2);
    expect(parseJavaDouble('abc')).toBeUndefined();
    fc.assert(fc.property(fc.double(), (x) => Object.is(parseJavaDouble(javaDoubleToString(x)), x)));
  });

  it('parses ints and longs strictly', () => {
    expect(parseJavaInt('-2147483648')).toBe(-2147483648);
    expect(parseJavaInt('2147483648')).toBeUndefined();
    expect(parseJavaInt('1e3')).toBeUndefined();
    expect(parseJavaLong('9223372036854775807')).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseJavaLong('1700000000000')).toBe(1700000000000);
    expect(parseJavaLong('99999999999999999999')).toBeUndefined();
  });
});
