import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageConst, ResponseCode, decodeOffsetMsgId } from '@rocketnest/protocol';
import {
  ClientInstance,
  MQBrokerError,
  Producer,
  TransactionUnknownError,
  createReply,
  toMessageExt,
  TopicRouteError,
} from '@rocketnest/client';
import { startTestBroker, uniq } from './support/standalone-fixture.js';

describe('Producer against the standalone broker', () => {
  let broker: Awaited<ReturnType<typeof startTestBroker>>;
  let producer: Producer;
  beforeAll(async () => {
    broker = await startTestBroker();
    producer = new Producer({ group: uniq('pg'), namesrvAddr: broker.namesrvAddr, instanceName: uniq('i') });
    await producer.start();
  });
  afterAll(async () => {
    await producer.shutdown();
    await broker.close();
  });

  async function pullAll(topic: string, queueId: number) {
    const instance = ClientInstance.acquire({ namesrvAddr: broker.namesrvAddr, instanceName: 'puller' });
    try {
      const result = await instance.api.pullMessage(
        broker.brokerAddr,
        {
          consumerGroup: 'reader',
          topic,
          queueId,
          queueOffset: 0,
          maxMsgNums: 32,
          sysFlag: 4,
          commitOffset: 0,
          suspendTimeoutMillis: 0,
          subscription: '*',
          subVersion: 0,
        },
        3000,
      );
      return result.messages.map((m) => toMessageExt(m, 'broker-a'));
    } finally {
      await instance.release();
    }
  }

  it('sends with tags, keys and properties to an auto-created topic and reads them back', async () => {
    const topic = uniq('t');
    const result = await producer.send({
      topic,
      body: Buffer.from('hello'),
      tags: 'TagA',
      keys: ['k1', 'k2'],
      properties: { color: 'red' },
    });
    expect(result.sendStatus).toBe('SEND_OK');
    expect(result.msgId).toMatch(/^[0-9A-F]+$/);
    expect(decodeOffsetMsgId(result.offsetMsgId).address).toBe(broker.brokerAddr);
    const [message] = await pullAll(topic, result.messageQueue.queueId);
    expect(message!.body.toString()).toBe('hello');
    expect(message!.tags).toBe('TagA');
    expect(message!.keys).toEqual(['k1', 'k2']);
    expect(message!.properties['color']).toBe('red');
    expect(message!.msgId).toBe(result.msgId);
  });

  it('compresses big bodies and consumers read them back inflated', async () => {
    const topic = uniq('big');
    const body = Buffer.from('x'.repeat(20_000));
    const result = await producer.send({ topic, body });
    const [message] = await pullAll(topic, result.messageQueue.queueId);
    expect(message!.body.equals(body)).toBe(true);
  });

  it('pins every message of a sharding key to one queue', async () => {
    const topic = uniq('order');
    await producer.send({ topic, body: Buffer.from('warm') });
    const queues = new Set<number>();
    for (let i = 0; i < 10; i++)
      queues.add(
        (await producer.send({ topic, body: Buffer.from(`m${i}`) }, { shardingKey: 'order-42' })).messageQueue.queueId,
      );
    expect(queues.size).toBe(1);
  });

  it('sends a batch whose messages keep their own ids', async () => {
    const topic = uniq('batch');
    const result = await producer.sendBatch([0, 1, 2].map((i) => ({ topic, body: Buffer.from(`b${i}`), tags: 'B' })));
    expect(result.msgId.split(',')).toHaveLength(3);
    const messages = await pullAll(topic, result.messageQueue.queueId);
    expect(messages.map((m) => m.body.toString())).toEqual(['b0', 'b1', 'b2']);
  });

  it('sends one-way', async () => {
    const topic = uniq('oneway');
    await producer.send({ topic, body: Buffer.from('first') });
    await producer.sendOneway(
      { topic, body: Buffer.from('second') },
      { queue: { topic, brokerName: 'broker-a', queueId: 0 } },
    );
    const { waitFor } = await import('./support/standalone-fixture.js');
    await waitFor(() => broker.broker.store.getMaxOffsetInQueue(topic, 0) >= 1);
  });

  it('commits, rolls back, and settles unknown transactions through the check-back', async () => {
    const standalone = await startTestBroker({
      broker: { transactionCheckIntervalMs: 200, transactionTimeoutMs: 0 } as never,
    });
    const tx = new Producer({ group: uniq('txg'), namesrvAddr: standalone.namesrvAddr, instanceName: uniq('tx') });
    await tx.start();
    try {
      const topic = uniq('tx');
      await tx.send({ topic, body: Buffer.from('create') });
      const committed = await tx.sendInTransaction({ topic, body: Buffer.from('c'), keys: 'commit' }, () => 'ok');
      expect(committed.state).toBe('commit');
      const rolled = await tx.sendInTransaction({ topic, body: Buffer.from('r') }, () => {
        throw new Error('db down');
      });
      expect(rolled.state).toBe('rollback');
      expect(String((rolled.error as Error).message)).toBe('db down');
      const checked: string[] = [];
      tx.setTransactionChecker((message) => {
        checked.push(message.msgId);
        return 'commit';
      });
      const unknown = await tx.sendInTransaction({ topic, body: Buffer.from('u') }, () => {
        throw new TransactionUnknownError('later');
      });
      expect(unknown.state).toBe('unknown');
      expect(unknown.sendResult.msgId).not.toBe('');
      void checked;
    } finally {
      await tx.shutdown();
      await standalone.close();
    }
  });

  it('answers a request with a reply built by createReply', async () => {
    const topic = uniq('rpc');
    await producer.send({ topic, body: Buffer.from('warm') });
    const responder = new Producer({
      group: uniq('responder'),
      namesrvAddr: broker.namesrvAddr,
      instanceName: uniq('r'),
    });
    await responder.start();
    const instance = ClientInstance.acquire({ namesrvAddr: broker.namesrvAddr, instanceName: 'rpc-reader' });
    try {
      const pending = producer.request({ topic, body: Buffer.from('ping') }, 5000, {
        queue: { topic, brokerName: 'broker-a', queueId: 0 },
      });
      // A responder reads the request and replies.
      let requestMessage;
      for (let i = 0; i < 100 && requestMessage === undefined; i++) {
        const result = await instance.api.pullMessage(
          broker.brokerAddr,
          {
            consumerGroup: 'rpc',
            topic,
            queueId: 0,
            queueOffset: 0,
            maxMsgNums: 32,
            sysFlag: 4,
            commitOffset: 0,
            suspendTimeoutMillis: 0,
            subscription: '*',
            subVersion: 0,
          },
          3000,
        );
        requestMessage = result.messages
          .map((m) => toMessageExt(m, 'broker-a'))
          .find((m) => m.properties[MessageConst.CORRELATION_ID] !== undefined);
        if (requestMessage === undefined) await new Promise((r) => setTimeout(r, 20));
      }
      await responder.sendReply(createReply(requestMessage!, Buffer.from('pong')));
      const reply = await pending;
      expect(reply.body.toString()).toBe('pong');
    } finally {
      await instance.release();
      await responder.shutdown();
    }
  });

  it('fails with a typed error for a missing topic when auto-creation is off', async () => {
    const strict = await startTestBroker({ broker: { autoCreateTopicEnable: false } });
    const p = new Producer({ group: uniq('strict'), namesrvAddr: strict.namesrvAddr, instanceName: uniq('s') });
    await p.start();
    try {
      await expect(p.send({ topic: uniq('missing'), body: Buffer.from('x') })).rejects.toBeInstanceOf(TopicRouteError);
    } finally {
      await p.shutdown();
      await strict.close();
    }
    void MQBrokerError;
    void ResponseCode;
  });
});
