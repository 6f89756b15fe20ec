import { afterEach, describe, expect, it, vi } from 'vitest';
import { DuplicateMessageError, MemoryIdempotencyStore, RocketMQConfigurationError } from '@rocketnest/nestjs';

afterEach(() => {
  vi.useRealTimers();
});

describe('MemoryIdempotencyStore', () => {
  it('runs a key once, then skips and counts its duplicates', async () => {
    const store = new MemoryIdempotencyStore();
    let runs = 0;
    const work = async () => ++runs;
    expect(await store.runOnce('k', work)).toEqual({ duplicate: false, value: 1 });
    expect(await store.runOnce('k', work)).toEqual({ duplicate: true, value: undefined });
    expect(await store.runOnce('other', work)).toEqual({ duplicate: false, value: 2 });
    expect(runs).toBe(2);
    expect(store.duplicatesSkipped).toBe(1);
  });

  it('does not mark a key whose handler failed, so the redelivery runs it', async () => {
    const store = new MemoryIdempotencyStore();
    await expect(store.runOnce('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(store.isProcessed('k')).toBe(false);
    expect(await store.runOnce('k', async () => 'ok')).toEqual({ duplicate: false, value: 'ok' });
  });

  it('makes a concurrent duplicate wait for the first delivery, then skips it', async () => {
    const store = new MemoryIdempotencyStore();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let runs = 0;
    const first = store.runOnce('k', async () => {
      runs += 1;
      await gate;
    });
    const second = store.runOnce('k', async () => {
      runs += 1;
    });
    release();
    expect((await first).duplicate).toBe(false);
    expect((await second).duplicate).toBe(true);
    expect(runs).toBe(1);
  });

  it('keeps the mark of scope.transaction() even if the handler fails afterwards (crash before ack)', async () => {
    const store = new MemoryIdempotencyStore();
    const effects: string[] = [];
    await expect(
      store.runOnce('k', async (scope) => {
        scope.transaction(() => effects.push('write'));
        throw new Error('lost ack');
      }),
    ).rejects.toThrow('lost ack');
    expect(await store.runOnce('k', async (scope) => scope.transaction(() => effects.push('write')))).toEqual({
      duplicate: true,
      value: undefined,
    });
    expect(effects).toEqual(['write']);
  });

  it('allows one scope.transaction() per delivery and only synchronous work', async () => {
    const store = new MemoryIdempotencyStore();
    await expect(
      store.runOnce('a', async (scope) => {
        scope.transaction(() => 1);
        scope.transaction(() => 2);
      }),
    ).rejects.toThrow(RocketMQConfigurationError);
    await expect(store.runOnce('b', async (scope) => scope.transaction(() => Promise.resolve(1)))).rejects.toThrow(
      /synchronous/,
    );
    expect(store.isProcessed('b')).toBe(false);
  });

  it('counts a DuplicateMessageError for its key as a skipped duplicate', async () => {
    const store = new MemoryIdempotencyStore();
    expect(
      await store.runOnce('k', async () => {
        throw new DuplicateMessageError('k');
      }),
    ).toEqual({ duplicate: true, value: undefined });
    expect(store.duplicatesSkipped).toBe(1);
  });

  it('forgets keys after their TTL', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const store = new MemoryIdempotencyStore({ ttlMs: 1000 });
    await store.runOnce('k', async () => undefined);
    vi.advanceTimersByTime(999);
    expect(store.isProcessed('k')).toBe(true);
    vi.advanceTimersByTime(2);
    expect(store.isProcessed('k')).toBe(false);
    expect((await store.runOnce('k', async () => 'again')).value).toBe('again');
  });

  it('forgets the oldest keys beyond maxKeys', async () => {
    const store = new MemoryIdempotencyStore({ maxKeys: 2 });
    for (const key of ['a', 'b', 'c']) await store.runOnce(key, async () => undefined);
    expect(store.size).toBe(2);
    expect(store.isProcessed('a')).toBe(false);
    expect(store.isProcessed('c')).toBe(true);
  });
});
