import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MessageConst,
  MessageExt as StoredMessage,
  MessageQueue,
  ResponseCode,
  decodeOffsetMsgId,
  retryTopic,
} from '@rocketnest/protocol';
import { ClientInstance, MQBrokerError, MessageExt, Producer, toMessageExt } from '@rocketnest/client';
import { pullQueue } from './support/pull-helper.js';
import { TestBroker, startTestBroker, uniq, waitFor } from './support/standalone-fixture.js';

describe('MQClientAPI', () => {
  let broker: TestBroker;
  let producer: Producer;
  let instance: ClientInstance;
  let addr: string;
  const topic = uniq('api');
  let queue: MessageQueue;
  let sent: MessageExt[];

  beforeAll(async () => {
    broker = await startTestBroker();
    addr = broker.brokerAddr;
    producer = new Producer({ group: uniq('pg'), namesrvAddr: broker.namesrvAddr, instanceName: uniq('p') });
    await producer.start();
    instance = ClientInstance.acquire({ namesrvAddr: broker.namesrvAddr, instanceName: uniq('api') });
    const first = await producer.send({ topic, body: Buffer.from('m0'), keys: 'order-0' });
    queue = first.messageQueue;
    for (let i = 1; i < 3; i++)
      await producer.send({ topic, body: Buffer.from(`m${i}`), keys: `order-${i}` }, { queue });
    sent = await pullQueue(instance, queue);
  });
  afterAll(async () => {
    await producer?.shutdown();
    await instance?.release();
    await broker?.close();
  });

  it('reads queue offsets and times: max, min, earliest store time, search by time', async () => {
    expect(sent.map((m) => m.body.toString())).toEqual(['m0', 'm1', 'm2']);
    expect(await instance.api.getMaxOffset(addr, topic, queue.queueId)).toBe(3);
    expect(await instance.api.getMinOffset(addr, topic, queue.queueId)).toBe(0);
    expect(await instance.api.getEarliestMsgStoreTime(addr, topic, queue.queueId)).toBe(sent[0]!.storeTimestamp);
    expect(await instance.api.searchOffset(addr, topic, queue.queueId, 0)).toBe(0);
  });

  it('queries and updates consumer offsets, sync and one-way', async () => {
    const group = uniq('offsets');
    expect([-1, 0]).toContain(await instance.api.queryConsumerOffset(addr, group, topic, queue.queueId));
    await instance.api.updateConsumerOffset(addr, group, topic, queue.queueId, 2, false);
    expect(await instance.api.queryConsumerOffset(addr, group, topic, queue.queueId)).toBe(2);
    await instance.api.updateConsumerOffset(addr, group, topic, queue.queueId, 3, true);
    await waitFor(async () => (await instance.api.queryConsumerOffset(addr, group, topic, queue.queueId)) === 3);
  });

  it('views a message by its offset message id and queries by key and by unique key', async () => {
    const id = decodeOffsetMsgId(sent[1]!.offsetMsgId);
    const viewed = toMessageExt(await instance.api.viewMessage(id.address, id.physicalOffset), queue.brokerName);
    expect(viewed.body.toString()).toBe('m1');
    const now = Date.now();
    const byKey = await waitForQuery(() =>
      instance.api.queryMessage(addr, topic, 'order-2', 32, 0, now + 60_000, false),
    );
    expect(byKey.map((m) => m.body.toString())).toEqual(['m2']);
    const byUniq = await waitForQuery(() =>
      instance.api.queryMessage(addr, topic, sent[0]!.msgId, 32, 0, now + 60_000, true),
    );
    expect(byUniq.map((m) => m.properties[MessageConst.UNIQ_KEY])).toEqual([sent[0]!.msgId]);
    expect(await instance.api.queryMessage(addr, topic, uniq('absent'), 32, 0, now + 60_000, false)).toEqual([]);
  });

  it('locks and unlocks queues for one client of a group', async () => {
    const group = uniq('lock');
    expect(await instance.api.lockBatchMQ(addr, group, 'client-a', [queue])).toEqual([queue]);
    expect(await instance.api.lockBatchMQ(addr, group, 'client-b', [queue])).toEqual([]);
    await instance.api.unlockBatchMQ(addr, group, 'client-a', [queue], false);
    expect(await instance.api.lockBatchMQ(addr, group, 'client-b', [queue])).toEqual([queue]);
  });

  it('sends a consumed message back to the group retry topic, where consumers see the original topic', async () => {
    const group = uniq('back');
    await instance.api.consumerSendMessageBack(addr, {
      offset: sent[2]!.commitLogOffset,
      group,
      delayLevel: 1,
      originMsgId: sent[2]!.msgId,
      originTopic: topic,
      unitMode: false,
      maxReconsumeTimes: 16,
    });
    const retryQueue = { topic: retryTopic(group), brokerName: queue.brokerName, queueId: 0 };
    let retried: MessageExt[] = [];
    await waitFor(async () => {
      retried = await pullQueue(instance, retryQueue);
      return retried.length > 0;
    });
    expect(retried[0]!.topic).toBe(topic);
    expect(retried[0]!.body.toString()).toBe('m2');
    expect(retried[0]!.reconsumeTimes).toBe(1);
    expect(retried[0]!.msgId).toBe(sent[2]!.msgId);
  });

  it('turns error answers into MQBrokerError with the response code and broker address', async () => {
    const error = await instance.api
      .consumerSendMessageBack(addr, {
        offset: 987_654_321,
        group: uniq('back'),
        delayLevel: 1,
        originTopic: topic,
        unitMode: false,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MQBrokerError);
    expect((error as MQBrokerError).responseCode).toBe(ResponseCode.SYSTEM_ERROR);
    expect((error as MQBrokerError).brokerAddr).toBe(addr);
    expect((error as MQBrokerError).remark).not.toBeNull();
  });

  it('reads the broker version from heartbeat answers and routes from the NameServer', async () => {
    const version = await instance.api.sendHeartbeat(addr, {
      clientID: instance.clientId,
      producerDataSet: [],
      consumerDataSet: [],
    });
    expect(version).toBeGreaterThanOrEqual(401);
    const route = await instance.api.getTopicRouteInfo(broker.namesrvAddr, topic);
    expect(route!.queueDatas[0]!.brokerName).toBe('broker-a');
    expect(await instance.api.getTopicRouteInfo(broker.namesrvAddr, uniq('unknown'))).toBeUndefined();
  });
});

/** The index is built by the broker's reput step, shortly after the append. */
async function waitForQuery(query: () => Promise<StoredMessage[]>): Promise<MessageExt[]> {
  let found: MessageExt[] = [];
  await waitFor(async () => {
    found = (await query()).map((m) => toMessageExt(m, 'broker-a'));
    return found.length > 0;
  });
  return found;
}
