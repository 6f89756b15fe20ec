import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConsumerData,
  Logger,
  RequestCode,
  ResponseCode,
  SerializeType,
  buildSubscriptionData,
  createResponse,
  decodeProducerConnection,
} from '@rocketnest/protocol';
import { ClientInstance, MQBrokerError, MQClientError, Producer } from '@rocketnest/client';
import { pullQueue } from './support/pull-helper.js';
import { TestBroker, startTestBroker, uniq, waitFor } from './support/standalone-fixture.js';

const noop = (): void => undefined;

function createTopicFields(topic: string, queueNums: number): Record<string, string> {
  return {
    topic,
    defaultTopic: 'TBW102',
    readQueueNums: String(queueNums),
    writeQueueNums: String(queueNums),
    perm: '6',
    topicFilterType: 'SINGLE_TAG',
  };
}

function consumerDataOf(group: string, topic: string): ConsumerData {
  return {
    groupName: group,
    consumeType: 'CONSUME_PASSIVELY',
    messageModel: 'CLUSTERING',
    consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
    subscriptionDataSet: [buildSubscriptionData(topic, '*')],
    unitMode: false,
  };
}

describe('ClientInstance', () => {
  let broker: TestBroker;
  const instances: ClientInstance[] = [];

  function acquire(options: Parameters<typeof ClientInstance.acquire>[0]): ClientInstance {
    const instance = ClientInstance.acquire(options);
    instances.push(instance);
    return instance;
  }

  beforeAll(async () => {
    broker = await startTestBroker();
  });
  afterAll(async () => {
    for (const instance of instances) await instance.release();
    await broker?.close();
  });

  it('is shared per clientId `ip@instanceName` and closes with its last user', async () => {
    const name = uniq('shared');
    const first = ClientInstance.acquire({ namesrvAddr: broker.namesrvAddr, instanceName: name });
    const second = ClientInstance.acquire({ namesrvAddr: broker.namesrvAddr, instanceName: name });
    expect(second).toBe(first);
    expect(first.clientId).toMatch(new RegExp(`^\\d+\\.\\d+\\.\\d+\\.\\d+@${name}$`));
    expect(first.options.language).toBe('JAVA');
    expect(first.options.version).toBe(413);
    await second.release();
    const third = ClientInstance.acquire({ namesrvAddr: broker.namesrvAddr, instanceName: name });
    expect(third).toBe(first);
    await third.release();
    await first.release();
    const fresh = ClientInstance.acquire({ namesrvAddr: broker.namesrvAddr, instanceName: name });
    expect(fresh).not.toBe(first);
    await fresh.release();
  });

  it('writes binary ROCKETMQ headers when asked, and both servers understand them', async () => {
    const instance = acquire({ namesrvAddr: broker.namesrvAddr, instanceName: uniq('bin'), serializeType: 'ROCKETMQ' });
    expect(instance.api.command(RequestCode.HEART_BEAT).serializeType).toBe(SerializeType.ROCKETMQ);
    const route = await instance.updateTopicRoute('TBW102');
    expect(route?.brokerDatas[0]?.brokerAddrs[0]).toBe(broker.brokerAddr);
    const producer = new Producer({
      group: uniq('binpg'),
      namesrvAddr: broker.namesrvAddr,
      instanceName: uniq('bin'),
      serializeType: 'ROCKETMQ',
    });
    await producer.start();
    try {
      const result = await producer.send({ topic: uniq('bin'), body: Buffer.from('binary'), tags: 'B' });
      const [message] = await pullQueue(instance, result.messageQueue);
      expect(message!.body.toString()).toBe('binary');
      expect(message!.tags).toBe('B');
    } finally {
      await producer.shutdown();
    }
    expect(() => ClientInstance.acquire({ namesrvAddr: broker.namesrvAddr, serializeType: 'XML' as 'JSON' })).toThrow(
      MQClientError,
    );
  });

  it('requires a NameServer address', () => {
    const saved = process.env['NAMESRV_ADDR'];
    delete process.env['NAMESRV_ADDR'];
    try {
      expect(() => ClientInstance.acquire({ instanceName: uniq('none') })).toThrow(MQClientError);
    } finally {
      if (saved !== undefined) process.env['NAMESRV_ADDR'] = saved;
    }
  });

  it('moves past a dead NameServer and sticks to the one that answers', async () => {
    const failures: unknown[] = [];
    const logger: Logger = {
      debug: noop,
      info: noop,
      error: noop,
      warn(message, fields) {
        if (message.startsWith('namesrv request failed')) failures.push(fields?.['namesrvAddr']);
      },
    };
    // Port 1 refuses connections; the instance starts on a random one of the two.
    const instance = acquire({ namesrvAddr: `127.0.0.1:1;${broker.namesrvAddr}`, instanceName: uniq('fo'), logger });
    for (let i = 0; i < 5; i++) {
      const route = await instance.updateTopicRoute('TBW102');
      expect(route?.brokerDatas[0]?.brokerAddrs[0]).toBe(broker.brokerAddr);
    }
    expect(failures.length).toBeLessThanOrEqual(1);
    expect(new Set(failures)).not.toContain(broker.namesrvAddr);
  });

  it('rejects with MQClientError when no NameServer answers and nothing is cached', async () => {
    const instance = acquire({ namesrvAddr: '127.0.0.1:1', instanceName: uniq('dead'), logger: undefined });
    await expect(instance.updateTopicRoute('TBW102')).rejects.toBeInstanceOf(MQClientError);
  });

  it('answers undefined for a topic the NameServer does not know', async () => {
    const instance = acquire({ namesrvAddr: broker.namesrvAddr, instanceName: uniq('unknown') });
    expect(await instance.updateTopicRoute(uniq('nope'))).toBeUndefined();
    expect(await instance.publishInfo(uniq('nope'))).toBeUndefined();
  });

  it('derives publish queues (writable, masters) and subscribe queues (readable) from a route', async () => {
    const instance = acquire({ namesrvAddr: broker.namesrvAddr, instanceName: uniq('queues') });
    const topic = uniq('q');
    await instance.api.call(
      broker.brokerAddr,
      instance.api.command(RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicFields(topic, 3)),
    );
    await waitFor(async () => (await instance.updateTopicRoute(topic)) !== undefined);
    const publish = await instance.publishInfo(topic);
    expect(publish!.queues).toEqual([0, 1, 2].map((queueId) => ({ topic, brokerName: 'broker-a', queueId })));
    expect(await instance.subscribeQueues(topic)).toEqual(publish!.queues);
    expect(instance.brokers.master('broker-a')).toBe(broker.brokerAddr);
    expect(instance.brokers.brokerNameOf(broker.brokerAddr)).toBe('broker-a');
    expect(instance.cachedTopics()).toContain(topic);
  });

  it('refreshes cached routes on its timer and tells listeners when one changes', async () => {
    const instance = acquire({
      namesrvAddr: broker.namesrvAddr,
      instanceName: uniq('refresh'),
      pollNameServerIntervalMs: 100,
    });
    const topic = uniq('grow');
    await instance.api.call(
      broker.brokerAddr,
      instance.api.command(RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicFields(topic, 2)),
    );
    await waitFor(async () => (await instance.updateTopicRoute(topic)) !== undefined);
    const changed: string[] = [];
    const stop = instance.onRouteChanged((t) => changed.push(t));
    try {
      await instance.api.call(
        broker.brokerAddr,
        instance.api.command(RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicFields(topic, 6)),
      );
      await waitFor(() => changed.includes(topic));
      expect((await instance.publishInfo(topic))!.queues).toHaveLength(6);
    } finally {
      stop();
    }
  });

  it('heartbeats its producer groups to the brokers it learns about', async () => {
    const instance = acquire({ namesrvAddr: broker.namesrvAddr, instanceName: uniq('hbp') });
    const group = uniq('hb_producer');
    instance.registerProducer({ group });
    try {
      expect(() => instance.registerProducer({ group })).toThrow(MQClientError);
      // Learning the broker from a route is enough: it is heartbeated on first sight.
      await instance.updateTopicRoute('TBW102');
      await waitFor(async () => {
        const response = await instance.api.invoke(
          broker.brokerAddr,
          instance.api.command(RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: group }),
        );
        return (
          response.code === ResponseCode.SUCCESS &&
          decodeProducerConnection(response.body!).connectionSet.some((c) => c.clientId === instance.clientId)
        );
      });
    } finally {
      instance.unregisterProducer(group);
    }
  });

  it('heartbeats consumer groups with their subscriptions, and unregisters them', async () => {
    const instance = acquire({ namesrvAddr: broker.namesrvAddr, instanceName: uniq('hbc') });
    const group = uniq('hb_consumer');
    const topic = uniq('sub');
    instance.registerConsumer({ group, consumerData: () => consumerDataOf(group, topic) });
    await instance.updateTopicRoute('TBW102');
    await instance.sendHeartbeatToAllBrokers();
    expect(await instance.api.getConsumerIdList(broker.brokerAddr, group)).toEqual([instance.clientId]);
    instance.unregisterConsumer(group);
    await instance.api.unregisterClient(broker.brokerAddr, instance.clientId, { consumerGroup: group });
    const error = await instance.api.getConsumerIdList(broker.brokerAddr, group).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MQBrokerError);
    expect((error as MQBrokerError).responseCode).toBe(ResponseCode.SYSTEM_ERROR);
  });

  it('routes broker-relayed admin requests to the named consumer group', async () => {
    const instance = acquire({ namesrvAddr: broker.namesrvAddr, instanceName: uniq('relay') });
    const group = uniq('relay_group');
    const asked: number[] = [];
    instance.registerConsumer({
      group,
      consumerData: () => consumerDataOf(group, uniq('t')),
      handleBrokerRequest(request) {
        asked.push(request.code);
        return createResponse(request, ResponseCode.SUCCESS, { body: Buffer.from('{"properties":{}}') });
      },
    });
    try {
      await instance.updateTopicRoute('TBW102');
      await instance.sendHeartbeatToAllBrokers();
      // An admin tool asks the broker, which relays to this client's connection.
      const response = await instance.api.invoke(
        broker.brokerAddr,
        instance.api.command(RequestCode.GET_CONSUMER_RUNNING_INFO, {
          consumerGroup: group,
          clientId: instance.clientId,
          jstackEnable: 'false',
        }),
      );
      expect(response.code).toBe(ResponseCode.SUCCESS);
      expect(response.body!.toString()).toBe('{"properties":{}}');
      expect(asked).toEqual([RequestCode.GET_CONSUMER_RUNNING_INFO]);
    } finally {
      instance.unregisterConsumer(group);
    }
  });
});
