import 'reflect-metadata';
import { EventPattern, MessagePattern, Transport } from '@nestjs/microservices';
import {
  PATTERN_EXTRAS_METADATA,
  PATTERN_HANDLER_METADATA,
  PATTERN_METADATA,
  TRANSPORT_METADATA,
} from '@nestjs/microservices/constants.js';
import { PatternHandler } from '@nestjs/microservices/enums/pattern-handler.enum.js';
import { describe, expect, it } from 'vitest';
import { ROCKETMQ_TRANSPORT, Tag, Topic } from '@rocketnest/nestjs';

class Handlers {
  @Topic('order')
  @Tag('paid')
  topicThenTag(): void {}

  @Tag('paid || refunded')
  @Topic('order', { group: 'points', consumeMode: 'orderly' })
  tagThenTopic(): void {}

  @Topic('order')
  anyTag(): void {}

  @EventPattern({ topic: 'order', tag: 'x' }, { group: 'g2', maxReconsumeTimes: 3 })
  plainEvent(): void {}

  @MessagePattern({ topic: 'points', tag: 'balance' })
  request(): void {}
}

const meta = (key: string, name: keyof Handlers): unknown =>
  Reflect.getMetadata(key, Handlers.prototype[name] as object);

describe('@Topic / @Tag', () => {
  it('compose an event pattern { topic, tag } bound to the RocketMQ transport, in either order', () => {
    for (const name of ['topicThenTag', 'tagThenTopic'] as const) {
      expect(meta(PATTERN_HANDLER_METADATA, name)).toBe(PatternHandler.EVENT);
      expect(meta(TRANSPORT_METADATA, name)).toBe(ROCKETMQ_TRANSPORT);
    }
    expect(meta(PATTERN_METADATA, 'topicThenTag')).toEqual([{ topic: 'order', tag: 'paid' }]);
    expect(meta(PATTERN_METADATA, 'tagThenTopic')).toEqual([{ topic: 'order', tag: 'paid || refunded' }]);
  });

  it('default the tag to * (every tag)', () => {
    expect(meta(PATTERN_METADATA, 'anyTag')).toEqual([{ topic: 'order', tag: '*' }]);
  });

  it('carry handler options as Nest extras', () => {
    expect(meta(PATTERN_EXTRAS_METADATA, 'tagThenTopic')).toEqual({ group: 'points', consumeMode: 'orderly' });
    expect(meta(PATTERN_EXTRAS_METADATA, 'topicThenTag')).toEqual({});
  });
});

describe('plain Nest decorators', () => {
  it('keep working with object patterns and extras, bound to no transport (served by every server)', () => {
    expect(meta(PATTERN_METADATA, 'plainEvent')).toEqual([{ topic: 'order', tag: 'x' }]);
    expect(meta(PATTERN_EXTRAS_METADATA, 'plainEvent')).toEqual({ group: 'g2', maxReconsumeTimes: 3 });
    expect(meta(TRANSPORT_METADATA, 'plainEvent')).toBeUndefined();
    expect(meta(PATTERN_HANDLER_METADATA, 'request')).toBe(PatternHandler.MESSAGE);
    expect(Transport.KAFKA).not.toBe(ROCKETMQ_TRANSPORT);
  });
});
