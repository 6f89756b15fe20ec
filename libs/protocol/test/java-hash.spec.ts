import { describe, expect, it } from 'vitest';
import { javaStringHashCode } from '@rocketnest/protocol';

describe('javaStringHashCode', () => {
  it('matches Java for the spec vectors (TV5)', () => {
    expect(javaStringHashCode('TagA')).toBe(2598919);
    expect(javaStringHashCode('TagB')).toBe(2598920);
    expect(javaStringHashCode('')).toBe(0);
  });

  it('wraps around 32 bits like Java int arithmetic', () => {
    // Both values checked with jshell (JDK 17).
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
    expect(javaStringHashCode('zzzzzzzzzz')).toBe(-1580979136);
  });
});
