import type { MessageHandler } from '@nestjs/microservices';
import type { MessageExt } from '@rocketnest/client';
import { describe, expect, it } from 'vitest';
import { RocketMQConfigurationError, defaultPatternToTopic } from '@rocketnest/nestjs';
import {
  planConsumerGroups,
  selectRoutes,
  subscriptionExpression,
  unchainHandlers,
} from '../src/server/handler-routes.js';

function handler(name: string, extras: Record<string, unknown> = {}, isEventHandler = true): MessageHandler {
  const fn = (async () => name) as unknown as MessageHandler;
  fn.isEventHandler = isEventHandler;
  fn.extras = extras;
  return fn;
}

const message = (topic: string, tags?: string): MessageExt => ({ topic, tags }) as MessageExt;
const plan = (entries: Array<[string, MessageHandler]>, group = 'svc') =>
  planConsumerGroups(entries, group, defaultPatternToTopic, () => undefined);

describe('unchainHandlers', () => {
  it('lists every handler Nest chained behind one pattern, and detaches them', () => {
    const a = handler('a');
    const b = handler('b', { group: 'other' });
    const c = handler('c');
    a.next = b as MessageHandler['next'];
    b.next = c as MessageHandler['next'];
    const table = new Map<string, MessageHandler>([['{"topic":"t"}', a]]);
    const out = unchainHandlers(table);
    expect(out.map(([, h]) => h)).toEqual([a, b, c]);
    expect(a.next).toBeUndefined();
    expect(b.next).toBeUndefined();
  });
});

describe('planConsumerGroups', () => {
  it('places handlers in their own group or the server default, by topic', () => {
    const plans = plan([
      ['{"tag":"paid","topic":"order"}', handler('paid')],
      ['{"tag":"*","topic":"order"}', handler('refund', { group: 'refunds', consumeMode: 'orderly' })],
      ['order.created', handler('created')],
    ]);
    expect([...plans.keys()]).toEqual(['svc', 'refunds']);
    expect([...plans.get('svc')!.routes.keys()]).toEqual(['order', 'order_created']);
    expect(plans.get('refunds')!.settings).toEqual({ consumeMode: 'orderly' });
  });

  it('fails when handlers of one group disagree on a consumer setting', () => {
    expect(() =>
      plan([
        ['{"topic":"a"}', handler('a', { consumeMode: 'orderly' })],
        ['{"topic":"b"}', handler('b', { consumeMode: 'concurrently' })],
      ]),
    ).toThrow(/disagree on consumeMode/);
  });

  it('fails on group names RocketMQ cannot hold (over 120 characters: the retry topic would overflow)', () => {
    expect(() => plan([['{"topic":"a"}', handler('a', { group: 'g'.repeat(121) })]])).toThrow(
      RocketMQConfigurationError,
    );
  });

  it('reports and skips object patterns that name no topic', () => {
    const ignored: string[] = [];
    const plans = planConsumerGroups([['{"cmd":"sum"}', handler('x')]], 'svc', defaultPatternToTopic, (r) =>
      ignored.push(r),
    );
    expect(plans.size).toBe(0);
    expect(ignored).toEqual(['{"cmd":"sum"}']);
  });
});

describe('subscriptionExpression', () => {
  it('joins the tags of a topic, or subscribes * when one handler takes every tag', () => {
    const routes = plan([
      ['{"tag":"paid","topic":"order"}', handler('a')],
      ['{"tag":"shipped || paid","topic":"order"}', handler('b')],
    ])
      .get('svc')!
      .routes.get('order')!;
    expect(subscriptionExpression(routes)).toBe('paid || shipped');
    const all = plan([
      ['{"tag":"paid","topic":"order"}', handler('a')],
      ['{"topic":"order"}', handler('b')],
    ])
      .get('svc')!
      .routes.get('order')!;
    expect(subscriptionExpression(all)).toBe('*');
  });
});

describe('selectRoutes', () => {
  const p = plan([
    ['{"tag":"paid","topic":"order"}', handler('paid')],
    ['{"tag":"shipped || completed","topic":"order"}', handler('later')],
    ['{"topic":"order"}', handler('any')],
  ]).get('svc')!;
  const names = (m: MessageExt) => selectRoutes(p, m).map((r) => r.route);

  it('prefers handlers naming the tag, then the ones taking every tag', () => {
    expect(names(message('order', 'paid'))).toEqual(['{"tag":"paid","topic":"order"}']);
    expect(names(message('order', 'completed'))).toEqual(['{"tag":"shipped || completed","topic":"order"}']);
    expect(names(message('order', 'refunded'))).toEqual(['{"topic":"order"}']);
    expect(names(message('order'))).toEqual(['{"topic":"order"}']);
  });

  it('finds nothing for a topic the group does not handle', () => {
    expect(names(message('other', 'paid'))).toEqual([]);
  });
});
