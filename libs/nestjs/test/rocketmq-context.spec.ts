import type { MessageExt } from '@rocketnest/client';
import { MessageConst } from '@rocketnest/protocol';
import { describe, expect, it } from 'vitest';
import { RocketMQConfigurationError, RocketMQContext } from '@rocketnest/nestjs';

const message: MessageExt = {
  topic: 'order',
  body: Buffer.from('{}'),
  tags: 'paid',
  keys: ['o-1', 'u-1'],
  properties: {
    [MessageConst.TAGS]: 'paid',
    [MessageConst.KEYS]: 'o-1 u-1',
    [MessageConst.UNIQ_KEY]: 'UNIQ',
    'content-type': 'application/json',
    tenant: 'acme',
  },
  msgId: 'UNIQ',
  offsetMsgId: 'OFFSET',
  queue: { topic: '%RETRY%points', brokerName: 'b', queueId: 0 },
  queueOffset: 7,
  commitLogOffset: 100,
  reconsumeTimes: 2,
  bornTimestamp: 1000,
  bornHost: '127.0.0.1:1',
  storeTimestamp: 2000,
  storeHost: '127.0.0.1:2',
  sysFlag: 0,
  flag: 0,
  preparedTransactionOffset: 0,
  bodyCRC: 0,
};

describe('RocketMQContext', () => {
  const ctx = new RocketMQContext([message, 'points']);

  it('exposes the message, its group and delivery facts', () => {
    expect(ctx.getMessage()).toBe(message);
    expect(ctx.getArgs()).toEqual([message, 'points']);
    expect(ctx.getGroup()).toBe('points');
    expect(ctx.getTopic()).toBe('order');
    expect(ctx.getTag()).toBe('paid');
    expect(ctx.getKeys()).toEqual(['o-1', 'u-1']);
    expect(ctx.getMsgId()).toBe('UNIQ');
    expect(ctx.getOffsetMsgId()).toBe('OFFSET');
    expect(ctx.getReconsumeTimes()).toBe(2);
    expect(ctx.getQueue()).toEqual({ topic: '%RETRY%points', brokerName: 'b', queueId: 0 });
    expect(ctx.getQueueOffset()).toBe(7);
    expect(ctx.getBornTimestamp()).toBe(1000);
    expect(ctx.getStoreTimestamp()).toBe(2000);
    expect(ctx.getProperty(MessageConst.KEYS)).toBe('o-1 u-1');
  });

  it('lists user properties without system ones or the content type', () => {
    expect(ctx.getUserProperties()).toEqual({ tenant: 'acme' });
  });

  it('tells requests (correlation id) from events', () => {
    expect(ctx.isRequest()).toBe(false);
    const request = { ...message, properties: { ...message.properties, [MessageConst.CORRELATION_ID]: 'c' } };
    expect(new RocketMQContext([request, 'points']).isRequest()).toBe(true);
  });

  it('has no idempotency scope outside an @Idempotent handler', () => {
    expect(() => ctx.getIdempotencyScope()).toThrow(RocketMQConfigurationError);
  });
});
