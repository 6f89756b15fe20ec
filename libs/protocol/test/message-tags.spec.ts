import { describe, expect, it } from 'vitest';
import { joinKeys, keysOfProperties, splitKeys, tagsCodeOfProperties, tagsHashCode } from '@rocketnest/protocol';

describe('tagsHashCode', () => {
  it('is Java String.hashCode of the tag (TV5) and 0 when absent or empty', () => {
    expect(tagsHashCode('TagA')).toBe(2598919);
    expect(tagsHashCode('TagB')).toBe(2598920);
    expect(tagsHashCode('')).toBe(0);
    expect(tagsHashCode(undefined)).toBe(0);
    expect(tagsHashCode(null)).toBe(0);
  });
});

describe('tagsCodeOfProperties', () => {
  it('reads TAGS from the serialized properties', () => {
    expect(tagsCodeOfProperties('UNIQ_KEY\x01X\x02WAIT\x01true\x02TAGS\x01TagA\x02')).toBe(2598919);
    expect(tagsCodeOfProperties('WAIT\x01true\x02')).toBe(0);
    expect(tagsCodeOfProperties('TAGS\x01\x02')).toBe(0);
  });
});

describe('splitKeys', () => {
  it('splits on single spaces and drops empty pieces', () => {
    expect(splitKeys('k1 k2  k3 ')).toEqual(['k1', 'k2', 'k3']);
    expect(splitKeys('only')).toEqual(['only']);
    expect(splitKeys('')).toEqual([]);
    expect(splitKeys(undefined)).toEqual([]);
  });

  it('does not split on other whitespace', () => {
    expect(splitKeys('a\tb')).toEqual(['a\tb']);
  });
});

describe('keysOfProperties and joinKeys', () => {
  it('round-trips keys through a KEYS property', () => {
    const keys = ['order-1', 'user-7'];
    expect(keysOfProperties(`KEYS\x01${joinKeys(keys)}\x02`)).toEqual(keys);
    expect(keysOfProperties('TAGS\x01a\x02')).toEqual([]);
  });
});
