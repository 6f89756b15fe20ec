import { describe, expect, it } from 'vitest';
import {
  createUniqKey,
  nearlyTimeFromUniqKey,
  ProtocolError,
  selectUniqKeyIp,
  UniqKeyGenerator,
} from '@rocketnest/protocol';
import type { NetworkInterfaceInfo } from 'node:os';

const monthStart = new Date(2026, 0, 1).getTime();

function nic(address: string, family: 'IPv4' | 'IPv6'): NetworkInterfaceInfo {
  const base = { address, netmask: '', mac: '00:00:00:00:00:00', internal: false, cidr: null };
  return family === 'IPv4' ? { ...base, family } : { ...base, family, scopeid: 0 };
}

describe('UniqKeyGenerator', () => {
  it('lays out ip, pid, hash, month offset and counter as in TV5', () => {
    const generator = new UniqKeyGenerator({
      ip: '192.168.0.10',
      pid: 12345,
      hash: 0x12345678,
      now: () => monthStart + 123456789,
      counter: 7,
    });
    expect(generator.prefix).toBe('C0A8000A303912345678');
    expect(generator.next()).toBe('C0A8000A303912345678075BCD150007');
    expect(generator.next()).toBe('C0A8000A303912345678075BCD150008');
  });

  it('wraps the counter at 16 bits and truncates the pid', () => {
    const generator = new UniqKeyGenerator({
      ip: '1.2.3.4',
      pid: 0x12345,
      hash: -1,
      now: () => monthStart,
      counter: 0xffff,
    });
    expect(generator.next()).toBe('01020304' + '2345' + 'FFFFFFFF' + '00000000' + 'FFFF');
    expect(generator.next().endsWith('0000')).toBe(true);
  });

  it('restarts the month offset when a new month begins', () => {
    let now = new Date(2026, 0, 31, 23, 59, 59, 999).getTime();
    const generator = new UniqKeyGenerator({ ip: '1.2.3.4', pid: 1, hash: 1, now: () => now });
    const january = generator.next();
    expect(parseInt(january.substring(20, 28), 16)).toBe(now - monthStart);
    now = new Date(2026, 1, 1, 0, 0, 0, 5).getTime();
    expect(generator.next().substring(20, 28)).toBe('00000005');
  });

  it('forces a small negative offset (clock stepped back) to zero', () => {
    let now = monthStart + 10;
    const generator = new UniqKeyGenerator({ ip: '1.2.3.4', pid: 1, hash: 1, now: () => now });
    generator.next();
    now = monthStart - 500;
    expect(generator.next().substring(20, 28)).toBe('00000000');
  });

  it('uses 56 characters for an IPv6 address', () => {
    const generator = new UniqKeyGenerator({ ip: '2001:db8::1', pid: 1, hash: 1, now: () => monthStart });
    expect(generator.next()).toHaveLength(56);
  });

  it('produces distinct upper-case keys from the process generator', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => createUniqKey()));
    expect(keys.size).toBe(1000);
    for (const key of keys) expect(key).toMatch(/^([0-9A-F]{32}|[0-9A-F]{56})$/);
  });
});

describe('selectUniqKeyIp', () => {
  it('prefers a public IPv4, then a public IPv6, then a non-loopback private IPv4', () => {
    const all = {
      lo: [nic('127.0.0.1', 'IPv4'), nic('::1', 'IPv6')],
      eth0: [nic('192.168.1.2', 'IPv4'), nic('fe80::1', 'IPv6'), nic('2001:db8::7', 'IPv6')],
      eth1: [nic('8.8.4.4', 'IPv4')],
    };
    expect(selectUniqKeyIp(all)?.toString('hex')).toBe('08080404');
    const noPublicV4 = { lo: all.lo, eth0: all.eth0 };
    expect(selectUniqKeyIp(noPublicV4)?.toString('hex')).toBe('20010db8000000000000000000000007');
    const privateOnly = { lo: all.lo, eth0: [nic('10.0.0.9', 'IPv4'), nic('fe80::1', 'IPv6')] };
    expect(selectUniqKeyIp(privateOnly)?.toString('hex')).toBe('0a000009');
    expect(selectUniqKeyIp({ lo: all.lo })?.toString('hex')).toBe('7f000001');
    expect(selectUniqKeyIp({})).toBeNull();
  });
});

describe('nearlyTimeFromUniqKey', () => {
  it('recovers the time within the current month', () => {
    const key = 'C0A8000A303912345678075BCD150007';
    expect(nearlyTimeFromUniqKey(key, monthStart + 200_000_000)).toBe(monthStart + 123456789);
  });

  it('falls back to the previous month when the offset is not yet reached', () => {
    const key = 'C0A8000A303912345678075BCD150007';
    const previous = new Date(2025, 11, 1).getTime();
    expect(nearlyTimeFromUniqKey(key, monthStart + 1000)).toBe(previous + 123456789);
  });

  it('inverts the generator and accepts lower-case suffixes', () => {
    const now = new Date(2026, 4, 17, 12, 0, 0).getTime();
    const key = new UniqKeyGenerator({ ip: '::2', pid: 1, hash: 1, now: () => now }).next();
    expect(nearlyTimeFromUniqKey(key, now + 5)).toBe(now);
    expect(nearlyTimeFromUniqKey(key.toLowerCase(), now + 5)).toBe(now);
  });

  it('rejects keys of the wrong shape', () => {
    expect(() => nearlyTimeFromUniqKey('ABC')).toThrow(ProtocolError);
    expect(() => nearlyTimeFromUniqKey('G0A8000A303912345678075BCD150007')).toThrow(ProtocolError);
  });
});
