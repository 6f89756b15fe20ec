import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MessageConst,
  MessageSysFlag,
  RequestCode,
  ResponseCode,
  decodeOffsetMsgId,
  isCompressed,
} from '@rocketnest/protocol';
import {
  ClientInstance,
  MQBrokerError,
  MQClientError,
  Producer,
  TopicRouteError,
  selectMessageQueueByHash,
  selectQueueByKey,
} from '@rocketnest/client';
import { pullQueue, pullStored, pullTopic, waitForTopic } from './support/pull-helper.js';
import { TestBroker, startTestBroker, uniq } from './support/standalone-fixture.js';

describe('Producer', () => {
  let broker: TestBroker;
  let producer: Producer;
  let reader: ClientInstance;

  beforeAll(async () => {
    broker = await startTestBroker();
    producer = new Producer({ group: uniq('pg'), namesrvAddr: broker.namesrvAddr, instanceName: uniq('p') });
    await producer.start();
    reader = ClientInstance.acquire({ namesrvAddr: broker.namesrvAddr, instanceName: uniq('reader') });
  });
  afterAll(async () => {
    await producer?.shutdown();
    await reader?.release();
    await broker?.close();
  });

  it('sends to an auto-created topic and reads back body, tags, keys and user properties', async () => {
    const topic = uniq('t');
    const result = await producer.send({
      topic,
      body: Buffer.from('hello'),
      tags: 'TagA',
      keys: ['k1', 'k2'],
      properties: { color: 'red', size: 'XL' },
    });
    expect(result.sendStatus).toBe('SEND_OK');
    expect(result.messageQueue.topic).toBe(topic);
    expect(result.messageQueue.brokerName).toBe('broker-a');
    expect(result.queueOffset).toBe(0);
    expect(decodeOffsetMsgId(result.offsetMsgId).address).toBe(broker.brokerAddr);
    const [message] = await pullQueue(reader, result.messageQueue);
    expect(message!.body.toString()).toBe('hello');
    expect(message!.tags).toBe('TagA');
    expect(message!.keys).toEqual(['k1', 'k2']);
    expect(message!.properties['color']).toBe('red');
    expect(message!.properties['size']).toBe('XL');
    // msgId is the UNIQ_KEY the producer set; the broker's transactionId echoes it.
    expect(message!.msgId).toBe(result.msgId);
    expect(message!.properties[MessageConst.UNIQ_KEY]).toBe(result.msgId);
    expect(result.transactionId).toBe(result.msgId);
    expect(message!.offsetMsgId).toBe(result.offsetMsgId);
  });

  it('pipelines many concurrent sends, each with its own id, all stored', async () => {
    const topic = uniq('pipe');
    await producer.send({ topic, body: Buffer.from('warm') });
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => producer.send({ topic, body: Buffer.from(`m${i}`) })),
    );
    expect(results.every((r) => r.sendStatus === 'SEND_OK')).toBe(true);
    expect(new Set(results.map((r) => r.msgId)).size).toBe(300);
    const stored = await pullTopic(reader, topic);
    expect(new Set(stored.map((m) => m.body.toString()))).toEqual(
      new Set(['warm', ...Array.from({ length: 300 }, (_, i) => `m${i}`)]),
    );
  });

  it('sends one-way messages that reach the queue', async () => {
    const topic = uniq('oneway');
    const first = await producer.send({ topic, body: Buffer.from('first') });
    await producer.sendOneway({ topic, body: Buffer.from('second'), tags: 'O' }, { queue: first.messageQueue });
    const messages = await waitForTopic(reader, topic, (all) => all.length === 2);
    expect(messages.find((m) => m.tags === 'O')!.body.toString()).toBe('second');
  });

  it('sends a batch to one queue, each message with its own UNIQ_KEY, tags and consecutive offsets', async () => {
    const topic = uniq('batch');
    const result = await producer.sendBatch(
      [0, 1, 2].map((i) => ({ topic, body: Buffer.from(`b${i}`), tags: `T${i}`, keys: `key${i}` })),
    );
    expect(result.sendStatus).toBe('SEND_OK');
    const ids = result.msgId.split(',');
    expect(ids).toHaveLength(3);
    expect(result.offsetMsgId.split(',')).toHaveLength(3);
    const messages = await pullQueue(reader, result.messageQueue);
    expect(messages.map((m) => m.body.toString())).toEqual(['b0', 'b1', 'b2']);
    expect(messages.map((m) => m.msgId)).toEqual(ids);
    expect(messages.map((m) => m.tags)).toEqual(['T0', 'T1', 'T2']);
    expect(messages.map((m) => m.queueOffset)).toEqual([0, 1, 2].map((i) => result.queueOffset + i));
  });

  it('rejects batches mixing topics or carrying a delay level before sending', async () => {
    const topic = uniq('badbatch');
    await expect(
      producer.sendBatch([
        { topic, body: Buffer.from('a') },
        { topic: `${topic}x`, body: Buffer.from('b') },
      ]),
    ).rejects.toBeInstanceOf(MQClientError);
    await expect(producer.sendBatch([{ topic, body: Buffer.from('a'), delayTimeLevel: 2 }])).rejects.toThrow(
      /TimeDelayLevel/,
    );
    await expect(producer.sendBatch([])).rejects.toBeInstanceOf(MQClientError);
  });

  it('zlib-compresses bodies of 4096 bytes and more; consumers read them inflated', async () => {
    const topic = uniq('zip');
    const small = Buffer.from('s'.repeat(4095));
    const big = Buffer.from('b'.repeat(4096));
    const large = Buffer.from('x'.repeat(200_000));
    const first = await producer.send({ topic, body: small });
    await producer.send({ topic, body: big }, { queue: first.messageQueue });
    await producer.send({ topic, body: large }, { queue: first.messageQueue });
    const stored = await pullStored(reader, first.messageQueue);
    expect(stored.map((m) => isCompressed(m.sysFlag))).toEqual([false, true, true]);
    // The broker stores what went over the wire: the compressed bytes.
    expect(stored[2]!.body.length).toBeLessThan(large.length);
    const messages = await pullQueue(reader, first.messageQueue);
    expect(messages[0]!.body.equals(small)).toBe(true);
    expect(messages[1]!.body.equals(big)).toBe(true);
    expect(messages[2]!.body.equals(large)).toBe(true);
    expect(messages[2]!.sysFlag & MessageSysFlag.COMPRESSED_FLAG).toBe(0);
  });

  it('pins every message of a sharding key to the queue SelectMessageQueueByHash picks', async () => {
    const topic = uniq('order');
    await producer.send({ topic, body: Buffer.from('warm') });
    const queues = await producer.fetchPublishMessageQueues(topic);
    expect(queues.length).toBe(4);
    for (const key of ['order-1', 'order-42', 'user-7']) {
      const used = new Set<number>();
      for (let i = 0; i < 8; i++) {
        const result = await producer.send({ topic, body: Buffer.from(`${key}:${i}`) }, { shardingKey: key });
        used.add(result.messageQueue.queueId);
      }
      expect([...used]).toEqual([selectQueueByKey(queues, key).queueId]);
      const viaSelector = await producer.send(
        { topic, body: Buffer.from(`${key}:sel`) },
        { selector: selectMessageQueueByHash(key) },
      );
      expect(viaSelector.messageQueue.queueId).toBe(selectQueueByKey(queues, key).queueId);
      const inQueue = await pullQueue(reader, viaSelector.messageQueue);
      const ofKey = inQueue.map((m) => m.body.toString()).filter((b) => b.startsWith(`${key}:`));
      expect(ofKey).toEqual([...Array.from({ length: 8 }, (_, i) => `${key}:${i}`), `${key}:sel`]);
    }
  });

  it('delivers a delay-level message only after its delay', async () => {
    const topic = uniq('delay');
    await producer.send({ topic, body: Buffer.from('now') });
    const result = await producer.send({ topic, body: Buffer.from('later'), delayTimeLevel: 1 });
    expect(result.sendStatus).toBe('SEND_OK');
    const messages = await waitForTopic(reader, topic, (all) => all.some((m) => m.body.toString() === 'later'));
    const later = messages.find((m) => m.body.toString() === 'later')!;
    expect(later.msgId).toBe(result.msgId);
    // Level 1 is 1 s: the broker parks it in SCHEDULE_TOPIC_XXXX and only then appends it to the topic.
    expect(later.storeTimestamp - later.bornTimestamp).toBeGreaterThanOrEqual(900);
  });

  it('rejects invalid topics, reserved property names and empty bodies without sending', async () => {
    await expect(producer.send({ topic: 'bad topic', body: Buffer.from('x') })).rejects.toBeInstanceOf(MQClientError);
    await expect(producer.send({ topic: 'SCHEDULE_TOPIC_XXXX', body: Buffer.from('x') })).rejects.toThrow(/forbidden/);
    await expect(
      producer.send({ topic: uniq('t'), body: Buffer.from('x'), properties: { [MessageConst.UNIQ_KEY]: 'mine' } }),
    ).rejects.toThrow(/used by system/);
    await expect(producer.send({ topic: uniq('t'), body: Buffer.alloc(0) })).rejects.toBeInstanceOf(MQClientError);
    const idle = new Producer({ group: uniq('idle'), namesrvAddr: broker.namesrvAddr });
    await expect(idle.send({ topic: uniq('t'), body: Buffer.from('x') })).rejects.toThrow(/not started/);
  });

  it('fails with MQBrokerError TOPIC_NOT_EXIST after retries when the broker lost the topic', async () => {
    // The topic disappears from a broker without auto-creation while the producer has its route cached.
    const strict = await startTestBroker({ broker: { autoCreateTopicEnable: false } });
    try {
      const p = new Producer({ group: uniq('strict'), namesrvAddr: strict.namesrvAddr, instanceName: uniq('s') });
      await p.start();
      try {
        const admin = ClientInstance.acquire({ namesrvAddr: strict.namesrvAddr, instanceName: uniq('adm') });
        try {
          const created = uniq('created');
          await admin.api.call(
            strict.brokerAddr,
            admin.api.command(RequestCode.UPDATE_AND_CREATE_TOPIC, {
              topic: created,
              defaultTopic: 'TBW102',
              readQueueNums: '1',
              writeQueueNums: '1',
              perm: '6',
              topicFilterType: 'SINGLE_TAG',
            }),
          );
          await expect(p.send({ topic: created, body: Buffer.from('x') })).resolves.toMatchObject({
            sendStatus: 'SEND_OK',
          });
          await admin.api.call(
            strict.brokerAddr,
            admin.api.command(RequestCode.DELETE_TOPIC_IN_BROKER, { topic: created }),
          );
          const error = await p.send({ topic: created, body: Buffer.from('y') }).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(MQBrokerError);
          expect((error as MQBrokerError).responseCode).toBe(ResponseCode.TOPIC_NOT_EXIST);
          expect((error as MQBrokerError).retriable).toBe(true);
          expect((error as MQBrokerError).brokerAddr).toBe(strict.brokerAddr);
        } finally {
          await admin.release();
        }
      } finally {
        await p.shutdown();
      }
    } finally {
      await strict.close();
    }
  });

  it('fails with a typed TOPIC_NOT_EXIST error for an unknown topic when auto-creation is off', async () => {
    const strict = await startTestBroker({ broker: { autoCreateTopicEnable: false } });
    const p = new Producer({ group: uniq('strict'), namesrvAddr: strict.namesrvAddr, instanceName: uniq('s') });
    await p.start();
    try {
      const error = await p.send({ topic: uniq('missing'), body: Buffer.from('x') }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TopicRouteError);
      expect((error as TopicRouteError).responseCode).toBe(ResponseCode.TOPIC_NOT_EXIST);
      expect((error as TopicRouteError).retriable).toBe(false);
    } finally {
      await p.shutdown();
      await strict.close();
    }
  });

  it('fails at once with a non-retriable MQBrokerError when the broker rejects the message', async () => {
    const small = await startTestBroker({ broker: { maxMessageSizeBytes: 1024 } });
    const p = new Producer({ group: uniq('big'), namesrvAddr: small.namesrvAddr, instanceName: uniq('b') });
    await p.start();
    try {
      const error = await p.send({ topic: uniq('big'), body: Buffer.from('z'.repeat(2048)) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MQBrokerError);
      expect((error as MQBrokerError).responseCode).toBe(ResponseCode.MESSAGE_ILLEGAL);
      expect((error as MQBrokerError).retriable).toBe(false);
    } finally {
      await p.shutdown();
      await small.close();
    }
  });
});
