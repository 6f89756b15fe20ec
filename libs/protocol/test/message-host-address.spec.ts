import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatHostAddress, formatIp, parseHostAddress, ProtocolError, writeHostAddress } from '@rocketnest/protocol';

function roundTrip(host: string): string {
  const address = parseHostAddress(host);
  const buf = Buffer.alloc(20);
  writeHostAddress(address, buf, 0);
  return formatHostAddress(buf, 0, address.ipv6);
}

describe('parseHostAddress', () => {
  it('parses IPv4 and IPv6 literals, splitting at the last colon', () => {
    const v4 = parseHostAddress('127.0.0.1:10911');
    expect([...v4.ip]).toEqual([127, 0, 0, 1]);
    expect(v4.port).toBe(10911);
    expect(v4.ipv6).toBe(false);
    const v6 = parseHostAddress('::1:10911');
    expect(v6.ip.toString('hex')).toBe('00000000000000000000000000000001');
    expect(v6.port).toBe(10911);
    expect(v6.ipv6).toBe(true);
    expect(parseHostAddress('2001:db8::8a2e:370:7334:80').ip.toString('hex')).toBe('20010db80000000000008a2e03707334');
    expect(parseHostAddress('[fe80::1]:5').ip.toString('hex')).toBe('fe800000000000000000000000000001');
  });

  it('parses embedded dotted quads and drops zone ids', () => {
    expect(parseHostAddress('64:ff9b::192.0.2.33:1').ip.toString('hex')).toBe('0064ff9b0000000000000000c0000221');
    expect(parseHostAddress('::1.2.3.4:1').ip.toString('hex')).toBe('00000000000000000000000001020304');
    expect(parseHostAddress('1:2:3:4:5:6:1.2.3.4:1').ip.toString('hex')).toBe('00010002000300040005000601020304');
    expect(parseHostAddress('fe80::1%eth0:9').ip.toString('hex')).toBe('fe800000000000000000000000000001');
  });

  it('stores IPv4-mapped IPv6 addresses as IPv4, like Java', () => {
    const mapped = parseHostAddress('::ffff:10.0.0.5:10911');
    expect(mapped.ipv6).toBe(false);
    expect([...mapped.ip]).toEqual([10, 0, 0, 5]);
    expect(parseHostAddress('::ffff:a00:5:1').ipv6).toBe(false);
  });

  it('returns the cached object for a repeated host', () => {
    expect(parseHostAddress('10.1.2.3:4')).toBe(parseHostAddress('10.1.2.3:4'));
  });

  it('rejects host names, missing or bad ports', () => {
    for (const bad of [
      'localhost:10911',
      '127.0.0.1',
      '127.0.0.1:',
      '127.0.0.1:65536',
      ':80',
      '1.2.3:80',
      '127.0.0.1:-1',
    ])
      expect(() => parseHostAddress(bad), bad).toThrow(ProtocolError);
  });
});

describe('formatIp', () => {
  it('prints IPv6 in RFC 5952 form', () => {
    const hex = (h: string): Buffer => Buffer.from(h, 'hex');
    expect(formatIp(hex('00000000000000000000000000000001'), 0, true)).toBe('::1');
    expect(formatIp(hex('00000000000000000000000000000000'), 0, true)).toBe('::');
    expect(formatIp(hex('20010db8000000010000000000000001'), 0, true)).toBe('2001:db8:0:1::1');
    expect(formatIp(hex('20010db8000000000001000000000001'), 0, true)).toBe('2001:db8::1:0:0:1');
    expect(formatIp(hex('20010db8000100010001000100010001'), 0, true)).toBe('2001:db8:1:1:1:1:1:1');
    expect(formatIp(hex('fe800000000000000000000000000000'), 0, true)).toBe('fe80::');
  });
});

describe('host address round trip', () => {
  it('formats back what it parsed, for any IPv4 or IPv6 address', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), fc.integer({ min: 0, max: 65535 }), (ip, port) => {
        const address = parseHostAddress(`${ip}:${port}`);
        const again = parseHostAddress(roundTrip(`${ip}:${port}`));
        expect(again.ip).toEqual(address.ip);
        expect(again.port).toBe(port);
      }),
    );
  });
});
