import { describe, expect, it } from 'vitest';
import { RemotingError } from '@rocketnest/protocol';
import {
  DEFAULT_REMOTING_CLIENT_OPTIONS,
  DEFAULT_REMOTING_SERVER_OPTIONS,
  resolveRemotingClientOptions,
  resolveRemotingServerOptions,
} from '@rocketnest/remoting';

describe('resolveRemotingServerOptions', { timeout: 10_000 }, () => {
  it('starts from frozen Java-like defaults', () => {
    expect(Object.isFrozen(DEFAULT_REMOTING_SERVER_OPTIONS)).toBe(true);
    const resolved = resolveRemotingServerOptions();
    expect(resolved).toMatchObject({
      host: '0.0.0.0',
      port: 0,
      maxFrameBytes: 16 * 1024 * 1024,
      idleTimeoutMs: 120_000,
    });
  });

  it('keeps a deliberate 0 and ignores undefined', () => {
    const resolved = resolveRemotingServerOptions({ idleTimeoutMs: 0, closeGraceMs: 0, host: undefined });
    expect(resolved.idleTimeoutMs).toBe(0);
    expect(resolved.closeGraceMs).toBe(0);
    expect(resolved.host).toBe('0.0.0.0');
  });

  it.each([
    [{ port: 70_000 }, /port/],
    [{ maxFrameBytes: 0 }, /maxFrameBytes/],
    [{ writeHighWaterMarkBytes: 8, maxWriteQueueBytes: 4 }, /maxWriteQueueBytes/],
    [{ idleTimeoutMs: -1 }, /idleTimeoutMs/],
  ])('rejects %o naming the field', (options, field) => {
    expect(() => resolveRemotingServerOptions(options)).toThrow(RemotingError);
    expect(() => resolveRemotingServerOptions(options)).toThrow(field);
  });
});

describe('resolveRemotingClientOptions', { timeout: 10_000 }, () => {
  it('defaults to Java client timeouts', () => {
    expect(Object.isFrozen(DEFAULT_REMOTING_CLIENT_OPTIONS)).toBe(true);
    expect(resolveRemotingClientOptions()).toMatchObject({ connectTimeoutMs: 3000, invokeTimeoutMs: 3000, tls: null });
  });

  it.each([
    [{ connectTimeoutMs: 0 }, /connectTimeoutMs/],
    [{ invokeTimeoutMs: Number.NaN }, /invokeTimeoutMs/],
    [{ reconnectBackoffInitialMs: 500, reconnectBackoffMaxMs: 100 }, /reconnectBackoffMaxMs/],
  ])('rejects %o naming the field', (options, field) => {
    expect(() => resolveRemotingClientOptions(options)).toThrow(field);
  });
});
