import { describe, expect, it } from 'vitest';
import { MessageQueue, javaStringHashCode } from '@rocketnest/protocol';
import {
  LatencyFaultTolerance,
  QueueSelection,
  notAvailableDurationMs,
  selectMessageQueueByHash,
  selectQueueByKey,
} from '@rocketnest/client';

const queues: MessageQueue[] = ['broker-a', 'broker-b'].flatMap((brokerName) =>
  [0, 1].map((queueId) => ({ topic: 'T', brokerName, queueId })),
);

describe('selectQueueByKey', () => {
  it('takes |javaHashCode(key) % n|, also for keys with a negative hash', () => {
    let negative = 'k0';
    for (let i = 1; javaStringHashCode(negative) >= 0; i++) negative = `k${i}`;
    // Java's "polygenelubricants".hashCode() is Integer.MIN_VALUE: the remainder is still in range.
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
    for (const key of ['a', 'order-42', negative, 'polygenelubricants']) {
      const expected = Math.abs(javaStringHashCode(key) % queues.length);
      expect(selectQueueByKey(queues, key)).toBe(queues[expected]);
      expect(selectMessageQueueByHash(key)(queues, { topic: 'T', body: Buffer.from('x') })).toBe(queues[expected]);
    }
  });
});

describe('LatencyFaultTolerance', () => {
  it('maps latency to the 4.x not-available durations', () => {
    expect([0, 49, 50, 99, 100, 549].map(notAvailableDurationMs)).toEqual([0, 0, 0, 0, 0, 0]);
    expect([550, 1000, 2000, 3000, 15_000, 60_000].map(notAvailableDurationMs)).toEqual([
      30_000, 60_000, 120_000, 180_000, 600_000, 600_000,
    ]);
  });

  it('isolates a failed broker for 30 s of latency and frees it afterwards', () => {
    const faults = new LatencyFaultTolerance();
    faults.update('broker-a', 3, true, 1000);
    expect(faults.isAvailable('broker-a', 1000)).toBe(false);
    expect(faults.isAvailable('broker-a', 1000 + 600_000)).toBe(true);
    faults.update('broker-b', 20, false, 1000);
    expect(faults.isAvailable('broker-b', 1000)).toBe(true);
  });

  it('picks among the better half of the faulty brokers when all are avoided', () => {
    const faults = new LatencyFaultTolerance();
    faults.update('fast', 600, false, 0);
    faults.update('slow-1', 16_000, false, 0);
    faults.update('slow-2', 20_000, false, 0);
    faults.update('slower', 30_000, true, 0);
    const picks = new Set(Array.from({ length: 10 }, () => faults.pickOneAtLeast(1)));
    expect([...picks].every((pick) => pick === 'fast' || pick === 'slow-1')).toBe(true);
    expect(new LatencyFaultTolerance().pickOneAtLeast()).toBeUndefined();
  });
});

describe('QueueSelection', () => {
  it('goes round robin over every queue', () => {
    const selection = new QueueSelection(false);
    const picked = Array.from({ length: 8 }, () => selection.select('T', queues, undefined));
    expect(new Set(picked).size).toBe(4);
    const start = queues.indexOf(picked[0]!);
    expect(picked).toEqual(Array.from({ length: 8 }, (_, i) => queues[(start + i) % 4]));
  });

  it('skips the broker of the previous failed attempt while another exists', () => {
    const selection = new QueueSelection(false);
    for (let i = 0; i < 8; i++) expect(selection.select('T', queues, 'broker-a').brokerName).toBe('broker-b');
    const single = queues.filter((q) => q.brokerName === 'broker-a');
    expect(selection.select('T', single, 'broker-a').brokerName).toBe('broker-a');
  });

  it('with fault avoidance, avoids a recently failed broker, and uses it when nothing else is left', () => {
    const selection = new QueueSelection(true);
    selection.record('broker-b', 5, true);
    for (let i = 0; i < 8; i++) expect(selection.select('T', queues, undefined).brokerName).toBe('broker-a');
    selection.record('broker-a', 5, true);
    expect(['broker-a', 'broker-b']).toContain(selection.select('T', queues, undefined).brokerName);
  });

  it('without fault avoidance, ignores recorded latencies', () => {
    const selection = new QueueSelection(false);
    selection.record('broker-b', 5, true);
    const brokers = new Set(Array.from({ length: 4 }, () => selection.select('T', queues, undefined).brokerName));
    expect(brokers).toEqual(new Set(['broker-a', 'broker-b']));
  });
});
