import { describe, expect, it } from 'vitest';
import { RemotingConnectError } from '@rocketnest/protocol';
import { formatSocketAddress, parseSocketAddress } from '@rocketnest/remoting';

describe('parseSocketAddress', { timeout: 10_000 }, () => {
  it('splits host and port at the last colon', () => {
    expect(parseSocketAddress('127.0.0.1:9876')).toEqual({ host: '127.0.0.1', port: 9876 });
    expect(parseSocketAddress('broker-a.local:10911')).toEqual({ host: 'broker-a.local', port: 10911 });
  });

  it('reads bare and bracketed IPv6 hosts', () => {
    expect(parseSocketAddress('::1:9876')).toEqual({ host: '::1', port: 9876 });
    expect(parseSocketAddress('[fe80::1]:10911')).toEqual({ host: 'fe80::1', port: 10911 });
  });

  it.each(['9876', ':9876', 'host:', 'host:port', 'host:65536', 'host:-1'])('rejects "%s"', (addr) => {
    expect(() => parseSocketAddress(addr)).toThrow(RemotingConnectError);
  });
});

describe('formatSocketAddress', { timeout: 10_000 }, () => {
  it('shows IPv4-mapped IPv6 peers as IPv4', () => {
    expect(formatSocketAddress('::ffff:10.0.0.7', 5000)).toBe('10.0.0.7:5000');
    expect(formatSocketAddress('::1', 5000)).toBe('::1:5000');
  });
});
