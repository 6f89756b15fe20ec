import { describe, expect, it } from 'vitest';
import {
  RocketMQConfigurationError,
  defaultPatternToTopic,
  routeToDestination,
  tagsOf,
  toEmitDestination,
} from '@rocketnest/nestjs';

// What Nest hands servers (transformPatternToRoute): object patterns as JSON with sorted keys.
const route = (pattern: Record<string, unknown>): string =>
  JSON.stringify(Object.fromEntries(Object.entries(pattern).sort(([a], [b]) => a.localeCompare(b))));

describe('defaultPatternToTopic', () => {
  it('keeps valid topic characters and replaces the others with _', () => {
    expect(defaultPatternToTopic('order.created')).toBe('order_created');
    expect(defaultPatternToTopic('a b/c:d')).toBe('a_b_c_d');
    expect(defaultPatternToTopic('Order-1_%|x')).toBe('Order-1_%|x');
  });

  it('cuts names to the 127 characters RocketMQ allows', () => {
    expect(defaultPatternToTopic('t'.repeat(300))).toHaveLength(127);
  });
});

describe('routeToDestination', () => {
  it('reads object routes back as topic and tag expression', () => {
    expect(routeToDestination(route({ topic: 'order', tag: 'paid || refunded' }), defaultPatternToTopic)).toEqual({
      topic: 'order',
      tag: 'paid || refunded',
    });
    expect(routeToDestination(route({ topic: 'order' }), defaultPatternToTopic)).toEqual({ topic: 'order', tag: '*' });
  });

  it('maps string routes to topics with every tag', () => {
    expect(routeToDestination('order.created', defaultPatternToTopic)).toEqual({ topic: 'order_created', tag: '*' });
    expect(routeToDestination('{weird', defaultPatternToTopic)).toEqual({ topic: '_weird', tag: '*' });
    expect(routeToDestination('order.created', (p) => p.toUpperCase().replace('.', '-'))).toEqual({
      topic: 'ORDER-CREATED',
      tag: '*',
    });
  });

  it('ignores object routes without a topic', () => {
    expect(routeToDestination(route({ cmd: 'sum' }), defaultPatternToTopic)).toBeUndefined();
  });
});

describe('tagsOf', () => {
  it('splits || expressions and reads * as every tag', () => {
    expect(tagsOf('paid')).toEqual(['paid']);
    expect(tagsOf(' paid ||refunded || ')).toEqual(['paid', 'refunded']);
    expect(tagsOf('*')).toEqual([]);
  });
});

describe('toEmitDestination', () => {
  it('turns a string into a topic and passes objects through', () => {
    expect(toEmitDestination('order.created', defaultPatternToTopic)).toEqual({ topic: 'order_created' });
    const pattern = { topic: 'order', tag: 'paid', keys: ['o-1'], shardingKey: 'u1' };
    expect(toEmitDestination(pattern, defaultPatternToTopic)).toBe(pattern);
  });

  it('rejects patterns that name no topic', () => {
    expect(() => toEmitDestination({ cmd: 'sum' }, defaultPatternToTopic)).toThrow(RocketMQConfigurationError);
    expect(() => toEmitDestination(42, defaultPatternToTopic)).toThrow(RocketMQConfigurationError);
  });
});
