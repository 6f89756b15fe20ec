import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenBucket } from '../src/rate/token-bucket.js';

describe('TokenBucket', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  async function settled(promises: Array<Promise<void>>): Promise<boolean[]> {
    const done = promises.map(() => false);
    promises.forEach((promise, index) => void promise.then(() => (done[index] = true)));
    await vi.advanceTimersByTimeAsync(0);
    return done;
  }

  it('hands out tokens at the configured rate, in call order', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 10, capacity: 1 });
    const takes = [bucket.take(), bucket.take(), bucket.take()];
    expect(await settled(takes)).toEqual([true, false, false]);
    await vi.advanceTimersByTimeAsync(100);
    expect(await settled(takes)).toEqual([true, true, false]);
    await vi.advanceTimersByTimeAsync(100);
    expect(await settled(takes)).toEqual([true, true, true]);
  });

  it('lets a burst of up to its capacity through after an idle period', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 10, capacity: 3 });
    await vi.advanceTimersByTimeAsync(1000);
    const takes = [bucket.take(), bucket.take(), bucket.take(), bucket.take()];
    expect(await settled(takes)).toEqual([true, true, true, false]);
  });

  it('defaults the capacity to a tenth of a second of tokens, at least one', () => {
    expect(new TokenBucket({ ratePerSecond: 50 }).capacity).toBe(5);
    expect(new TokenBucket({ ratePerSecond: 3 }).capacity).toBe(1);
  });

  it('does not limit at rate 0 and rejects a negative rate', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 0 });
    expect(await settled([bucket.take(), bucket.take(), bucket.take()])).toEqual([true, true, true]);
    expect(() => new TokenBucket({ ratePerSecond: -1 })).toThrow(RangeError);
  });
});
