import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MessageConst,
  RequestCode,
  ResponseCode,
  SerializeType,
  decodePullMessageResponseHeader,
  decodeSendMessageResponseHeader,
  encodeBatchBody,
  encodeSendMessageRequestHeader,
  encodeSendMessageRequestHeaderV2,
  encodeProperties,
} from '@rocketnest/protocol';
import { waitFor } from './support/wait-for.js';
import {
  BrokerFixture,
  decodePulled,
  heartbeatBody,
  pullHeader,
  sendHeaderV2,
  startBrokerFixture,
} from './support/broker-fixture.js';

describe('Broker send and pull', () => {
  let f: BrokerFixture;
  beforeEach(async () => {
    f = await startBrokerFixture();
  });
  afterEach(async () => {
    await f.close();
  });

  it('stores a SEND_MESSAGE_V2 in an auto-created topic and answers the full send header', async () => {
    const response = await f.invoke(
      RequestCode.SEND_MESSAGE_V2,
      sendHeaderV2('orders', 1, { TAGS: 'paid', KEYS: 'o-1' }),
      Buffer.from('hello'),
    );
    expect(response.code).toBe(ResponseCode.SUCCESS);
    const header = decodeSendMessageResponseHeader(response.extFields);
    expect(header).toMatchObject({ queueId: 1, queueOffset: 0 });
    expect(header.msgId).toMatch(/^[0-9A-F]{32}$/);
    expect(header.transactionId).toMatch(/^[0-9A-F]+$/);
    expect(response.extFields).toMatchObject({ MSG_REGION: 'DefaultRegion', TRACE_ON: 'true' });
    expect(f.broker.topicConfigs.get('orders')).toMatchObject({ readQueueNums: 4, writeQueueNums: 4, perm: 6 });
  });

  it('pulls back V1, V2 and batch sends with their properties, in both header serializations', async () => {
    const v1 = encodeSendMessageRequestHeader({
      producerGroup: 'p',
      topic: 't1',
      defaultTopic: 'TBW102',
      defaultTopicQueueNums: 4,
      queueId: 0,
      sysFlag: 0,
      bornTimestamp: Date.now(),
      flag: 3,
      properties: encodeProperties({ TAGS: 'a' }),
    });
    expect((await f.invoke(RequestCode.SEND_MESSAGE, v1, Buffer.from('one'), SerializeType.ROCKETMQ)).code).toBe(0);
    expect(
      (await f.invoke(RequestCode.SEND_MESSAGE_V2, sendHeaderV2('t1', 0, { TAGS: 'b' }), Buffer.from('two'))).code,
    ).toBe(0);
    const batchHeader = encodeSendMessageRequestHeaderV2({
      producerGroup: 'p',
      topic: 't1',
      defaultTopic: 'TBW102',
      defaultTopicQueueNums: 4,
      queueId: 0,
      sysFlag: 0,
      bornTimestamp: Date.now(),
      flag: 0,
      properties: encodeProperties({ UNIQ_KEY: 'UBATCH', WAIT: 'true' }),
      batch: true,
    });
    const batch = encodeBatchBody([
      { flag: 0, body: Buffer.from('b1'), properties: { TAGS: 'c', UNIQ_KEY: 'U1' } },
      { flag: 0, body: Buffer.from('b2'), properties: { TAGS: 'c', UNIQ_KEY: 'U2' } },
    ]);
    const batchResponse = await f.invoke(RequestCode.SEND_BATCH_MESSAGE, batchHeader, batch);
    expect(batchResponse.code).toBe(0);
    expect(decodeSendMessageResponseHeader(batchResponse.extFields)).toMatchObject({
      queueOffset: 2,
      transactionId: 'UBATCH',
    });
    expect(batchResponse.extFields!['msgId']!.split(',')).toHaveLength(2);

    const pulled = await f.invoke(
      RequestCode.PULL_MESSAGE,
      pullHeader('g', 't1', 0, 0, { subscription: '*' }),
      null,
      SerializeType.ROCKETMQ,
    );
    expect(pulled.code).toBe(ResponseCode.SUCCESS);
    expect(pulled.remark).toBe('FOUND');
    const messages = decodePulled(pulled);
    expect(messages.map((m) => m.body.toString())).toEqual(['one', 'two', 'b1', 'b2']);
    expect(messages[0]!.flag).toBe(3);
    expect(messages[0]!.properties[MessageConst.CLUSTER]).toBe('DefaultCluster');
    expect(messages[2]!.properties[MessageConst.CLUSTER]).toBeUndefined();
    expect(decodePullMessageResponseHeader(pulled.extFields)).toEqual({
      suggestWhichBrokerId: 0,
      nextBeginOffset: 4,
      minOffset: 0,
      maxOffset: 4,
    });
  });

  it('filters by tag on the broker and counts filtered entries in nextBeginOffset', async () => {
    for (const tag of ['a', 'b', 'a', 'c'])
      await f.invoke(RequestCode.SEND_MESSAGE_V2, sendHeaderV2('tags', 0, { TAGS: tag }), Buffer.from(tag));
    const pulled = await f.invoke(RequestCode.PULL_MESSAGE, pullHeader('g', 'tags', 0, 0, { subscription: 'b || c' }));
    expect(decodePulled(pulled).map((m) => m.body.toString())).toEqual(['b', 'c']);
    expect(decodePullMessageResponseHeader(pulled.extFields).nextBeginOffset).toBe(4);
  });

  it('answers the pull status table: empty queue, offset moved, overflow', async () => {
    await f.invoke(RequestCode.SEND_MESSAGE_V2, sendHeaderV2('st', 0), Buffer.from('x'));
    const empty = await f.invoke(RequestCode.PULL_MESSAGE, pullHeader('g', 'st', 1, 0, { subscription: '*' }));
    expect(empty.code).toBe(ResponseCode.PULL_NOT_FOUND);
    const moved = await f.invoke(RequestCode.PULL_MESSAGE, pullHeader('g', 'st', 1, 5, { subscription: '*' }));
    expect(moved.code).toBe(ResponseCode.PULL_OFFSET_MOVED);
    const one = await f.invoke(RequestCode.PULL_MESSAGE, pullHeader('g', 'st', 0, 1, { subscription: '*' }));
    expect(one.code).toBe(ResponseCode.PULL_NOT_FOUND);
    expect(decodePullMessageResponseHeader(one.extFields)).toMatchObject({ nextBeginOffset: 1, maxOffset: 1 });
    const badly = await f.invoke(RequestCode.PULL_MESSAGE, pullHeader('g', 'st', 0, 9, { subscription: '*' }));
    expect(badly.code).toBe(ResponseCode.PULL_OFFSET_MOVED);
    expect(decodePullMessageResponseHeader(badly.extFields).nextBeginOffset).toBe(1);
  });

  it('holds a pull until a matching message arrives, and not for another tag', async () => {
    await f.invoke(RequestCode.SEND_MESSAGE_V2, sendHeaderV2('lp', 0, { TAGS: 'other' }), Buffer.from('first'));
    await f.invoke(RequestCode.HEART_BEAT, null, heartbeatBody('c1', 'lp', { lp: 'wanted' }));
    const held = f.invoke(RequestCode.PULL_MESSAGE, pullHeader('lp', 'lp', 0, 1, { suspendMs: 20_000 }));
    const { pullHold, store } = f.broker.context;
    await waitFor(() => pullHold.size === 1);
    await f.invoke(RequestCode.SEND_MESSAGE_V2, sendHeaderV2('lp', 0, { TAGS: 'other' }), Buffer.from('no'));
    await waitFor(() => store.getMaxOffsetInQueue('lp', 0) === 2);
    expect(pullHold.size).toBe(1);
    await f.invoke(RequestCode.SEND_MESSAGE_V2, sendHeaderV2('lp', 0, { TAGS: 'wanted' }), Buffer.from('yes'));
    const response = await held;
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect(decodePulled(response).map((m) => m.body.toString())).toEqual(['yes']);
    expect(pullHold.size).toBe(0);
  });

  it('answers a held pull with PULL_NOT_FOUND when its suspend time is over', async () => {
    await f.close();
    f = await startBrokerFixture({ pullHoldCheckIntervalMs: 50 });
    await f.invoke(RequestCode.SEND_MESSAGE_V2, sendHeaderV2('idle', 0), Buffer.from('x'));
    const response = await f.invoke(
      RequestCode.PULL_MESSAGE,
      pullHeader('g', 'idle', 0, 1, { subscription: '*', suspendMs: 200 }),
    );
    expect(response.code).toBe(ResponseCode.PULL_NOT_FOUND);
    expect(decodePullMessageResponseHeader(response.extFields).nextBeginOffset).toBe(1);
  });

  it('rejects bad sends with the right codes and keeps serving', async () => {
    const missing = await f.invoke(RequestCode.SEND_MESSAGE_V2, { a: 'p', b: 'x' }, Buffer.from('x'));
    expect(missing.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(missing.remark).toContain('is null');
    const illegal = await f.invoke(RequestCode.SEND_MESSAGE_V2, sendHeaderV2('bad topic!', 0), Buffer.from('x'));
    expect(illegal.code).toBe(ResponseCode.INVALID_PARAMETER);
    const system = await f.invoke(
      RequestCode.SEND_MESSAGE_V2,
      sendHeaderV2('SCHEDULE_TOPIC_XXXX', 0),
      Buffer.from('x'),
    );
    expect(system.code).toBe(ResponseCode.NO_PERMISSION);
    const queue = await f.invoke(RequestCode.SEND_MESSAGE_V2, sendHeaderV2('q', 99), Buffer.from('x'));
    expect(queue.code).toBe(ResponseCode.INVALID_PARAMETER);
    const big = await f.invoke(RequestCode.SEND_MESSAGE_V2, sendHeaderV2('q', 0), Buffer.alloc(4 * 1024 * 1024 + 1));
    expect(big.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    const unknown = await f.invoke(9999);
    expect(unknown.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    expect((await f.invoke(RequestCode.SEND_MESSAGE_V2, sendHeaderV2('q', 0), Buffer.from('ok'))).code).toBe(0);
  });

  it('answers TOPIC_NOT_EXIST when auto-creation is off', async () => {
    await f.close();
    f = await startBrokerFixture({ autoCreateTopicEnable: false });
    const response = await f.invoke(RequestCode.SEND_MESSAGE_V2, sendHeaderV2('nope', 0), Buffer.from('x'));
    expect(response.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
  });

  it('answers SUBSCRIPTION_NOT_EXIST for a pull without subscription and without heartbeat', async () => {
    await f.invoke(RequestCode.SEND_MESSAGE_V2, sendHeaderV2('ns', 0), Buffer.from('x'));
    const response = await f.invoke(RequestCode.PULL_MESSAGE, pullHeader('nobody', 'ns', 0, 0));
    expect(response.code).toBe(ResponseCode.SUBSCRIPTION_NOT_EXIST);
  });
});
