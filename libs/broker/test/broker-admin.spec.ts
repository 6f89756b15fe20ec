import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  RequestCode,
  ResponseCode,
  decodeConsumeStats,
  decodeConsumerConnection,
  decodeTopicConfigSerializeWrapper,
  decodeTopicStatsTable,
  encodeCreateTopicRequestHeader,
  encodeUpdateConsumerOffsetRequestHeader,
  decodeKVTable,
} from '@rocketnest/protocol';
import { BrokerFixture, heartbeatBody, sendHeaderV2, startBrokerFixture } from './support/broker-fixture.js';

describe('Broker admin requests', () => {
  let f: BrokerFixture;
  beforeEach(async () => {
    f = await startBrokerFixture();
  });
  afterEach(async () => {
    await f.close();
  });

  const createTopic = (topic: string, queues = 2) =>
    f.invoke(
      RequestCode.UPDATE_AND_CREATE_TOPIC,
      encodeCreateTopicRequestHeader({
        topic,
        defaultTopic: 'TBW102',
        readQueueNums: queues,
        writeQueueNums: queues,
        perm: 6,
        topicFilterType: 'SINGLE_TAG',
      }),
    );

  it('creates a topic, lists it in GET_ALL_TOPIC_CONFIG and deletes it', async () => {
    expect((await createTopic('admin-t', 3)).code).toBe(ResponseCode.SUCCESS);
    const all = decodeTopicConfigSerializeWrapper((await f.invoke(RequestCode.GET_ALL_TOPIC_CONFIG)).body!);
    expect(all.topicConfigTable['admin-t']).toMatchObject({ readQueueNums: 3, writeQueueNums: 3, perm: 6 });
    expect((await f.invoke(RequestCode.DELETE_TOPIC_IN_BROKER, { topic: 'admin-t' })).code).toBe(ResponseCode.SUCCESS);
    expect(f.broker.topicConfigs.get('admin-t')).toBeUndefined();
  });

  it('refuses illegal topic names, system topics and bad perms', async () => {
    expect((await createTopic('bad name')).code).toBe(ResponseCode.INVALID_PARAMETER);
    expect((await createTopic('SCHEDULE_TOPIC_XXXX')).code).toBe(ResponseCode.INVALID_PARAMETER);
    const badPerm = encodeCreateTopicRequestHeader({
      topic: 'p',
      defaultTopic: 'TBW102',
      readQueueNums: 1,
      writeQueueNums: 1,
      perm: 9,
      topicFilterType: 'SINGLE_TAG',
    });
    expect((await f.invoke(RequestCode.UPDATE_AND_CREATE_TOPIC, badPerm)).code).toBe(ResponseCode.INVALID_PARAMETER);
    expect((await f.invoke(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: 'x' })).code).toBe(ResponseCode.SYSTEM_ERROR);
  });

  it('reports topic stats and consumer progress (lag per queue)', async () => {
    await createTopic('stats', 2);
    for (let i = 0; i < 3; i++)
      await f.invoke(RequestCode.SEND_MESSAGE_V2, sendHeaderV2('stats', 0), Buffer.from(`m${i}`));
    const stats = decodeTopicStatsTable((await f.invoke(RequestCode.GET_TOPIC_STATS_INFO, { topic: 'stats' })).body!);
    const q0 = stats.offsetTable.find(([mq]) => mq.queueId === 0)![1];
    expect(q0).toMatchObject({ minOffset: 0, maxOffset: 3 });
    expect(q0.lastUpdateTimestamp).toBeGreaterThan(0);
    // remoting-protocol.md 2.9: Apache 5.x always writes topicPutTps (a double).
    expect(stats.topicPutTps).toBe(0);
    await f.invoke(
      RequestCode.UPDATE_CONSUMER_OFFSET,
      encodeUpdateConsumerOffsetRequestHeader({ consumerGroup: 'cg', topic: 'stats', queueId: 0, commitOffset: 1 }),
    );
    const progress = decodeConsumeStats(
      (await f.invoke(RequestCode.GET_CONSUME_STATS, { consumerGroup: 'cg', topic: 'stats' })).body!,
    );
    const lag = progress.offsetTable.find(([mq]) => mq.queueId === 0)![1];
    expect(lag).toMatchObject({ brokerOffset: 3, consumerOffset: 1 });
    expect((await f.invoke(RequestCode.GET_TOPIC_STATS_INFO, { topic: 'missing' })).code).toBe(
      ResponseCode.TOPIC_NOT_EXIST,
    );
  });

  it('lists consumer connections and answers CONSUMER_NOT_ONLINE for an unknown group', async () => {
    await f.invoke(RequestCode.HEART_BEAT, null, heartbeatBody('client-1', 'conn-group', { t: '*' }));
    const response = await f.invoke(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: 'conn-group' });
    const connection = decodeConsumerConnection(response.body!);
    expect(connection.connectionSet.map((c) => c.clientId)).toEqual(['client-1']);
    expect(Object.keys(connection.subscriptionTable)).toEqual(['t']);
    expect((await f.invoke(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: 'nobody' })).code).toBe(
      ResponseCode.CONSUMER_NOT_ONLINE,
    );
  });

  it('answers GET_BROKER_RUNTIME_INFO with a KV table', async () => {
    const table = decodeKVTable((await f.invoke(RequestCode.GET_BROKER_RUNTIME_INFO)).body!).table;
    expect(table['brokerName']).toBe('broker-a');
    expect(Number(table['commitLogMaxOffset'])).toBeGreaterThanOrEqual(0);
    // Store counters for benchmarks (messages per fdatasync): numbers, never absent.
    expect(Number.isInteger(Number(table['commitLogWrites']))).toBe(true);
    expect(Number.isInteger(Number(table['commitLogFsyncs']))).toBe(true);
  });

  it('resets a group offset to the queue end with timestamp -1', async () => {
    await createTopic('reset', 1);
    for (let i = 0; i < 4; i++) await f.invoke(RequestCode.SEND_MESSAGE_V2, sendHeaderV2('reset', 0), Buffer.from('x'));
    const response = await f.invoke(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, {
      topic: 'reset',
      group: 'rg',
      timestamp: '-1',
      isForce: 'true',
    });
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect(f.broker.consumerOffsets.queryOffset('rg', 'reset', 0)).toBe(4);
  });
});
