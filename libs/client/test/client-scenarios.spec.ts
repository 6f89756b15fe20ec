import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin, LitePullConsumer, MessageExt, Producer, PushConsumer, PushConsumerOptions } from '@rocketnest/client';
import { startTestBroker, uniq, waitFor } from './support/standalone-fixture.js';

const FAST_CONSUMER = {
  consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' as const,
  pullDelayOnErrorMs: 100,
  rebalanceIntervalMs: 500,
  brokerSuspendMaxTimeMs: 1000,
  persistConsumerOffsetIntervalMs: 200,
  lockIntervalMs: 500,
  suspendCurrentQueueTimeMs: 100,
};

describe('client scenarios on the standalone broker', () => {
  let broker: Awaited<ReturnType<typeof startTestBroker>>;
  let producer: Producer;
  let admin: Admin;

  beforeAll(async () => {
    broker = await startTestBroker({
      broker: {
        messageDelayLevel: '1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s',
        transactionCheckIntervalMs: 200,
        transactionTimeoutMs: 300,
        rebalanceLockMaxLiveTimeMs: 2000,
      },
    });
    producer = new Producer({ group: uniq('pg'), namesrvAddr: broker.namesrvAddr, instanceName: uniq('p') });
    await producer.start();
    admin = new Admin({ namesrvAddr: broker.namesrvAddr });
    await admin.start();
  });
  afterAll(async () => {
    await admin.shutdown();
    await producer.shutdown();
    await broker.close();
  });

  function pushConsumer(options: Partial<PushConsumerOptions> & { group: string }): PushConsumer {
    return new PushConsumer({ namesrvAddr: broker.namesrvAddr, instanceName: uniq('c'), ...FAST_CONSUMER, ...options });
  }

  it('keeps every message while 3 consumers join and leave a group over 8 queues', async () => {
    const topic = uniq('churn');
    await admin.createTopic(topic, { queueNums: 8 });
    const group = uniq('g');
    const counts = new Map<string, number>();
    const record = (m: MessageExt) => {
      counts.set(m.msgId, (counts.get(m.msgId) ?? 0) + 1);
    };
    const consumers = [0, 1, 2].map(() => pushConsumer({ group }).subscribe(topic).onMessage(record));
    await consumers[0]!.start();
    const ids: string[] = [];
    const sending = (async () => {
      for (let batch = 0; batch < 200; batch++) {
        const results = await Promise.all(
          Array.from({ length: 100 }, (_, i) => producer.send({ topic, body: Buffer.from(`m-${batch}-${i}`) })),
        );
        ids.push(...results.map((r) => r.msgId));
      }
    })();
    await waitFor(() => counts.size > 2000, 30_000);
    await consumers[1]!.start();
    await waitFor(() => counts.size > 6000, 30_000);
    await consumers[2]!.start();
    await waitFor(() => counts.size > 10_000, 30_000);
    await consumers[0]!.shutdown();
    await waitFor(() => counts.size > 14_000, 30_000);
    await consumers[1]!.shutdown();
    await sending;
    await waitFor(() => ids.every((id) => counts.has(id)), 60_000);
    await consumers[2]!.shutdown();
    const duplicates = [...counts.values()].filter((n) => n > 1).length;
    expect(ids).toHaveLength(20_000);
    // At-least-once: duplicates only around hand-overs, a small share.
    expect(duplicates).toBeLessThan(2000);
  }, 120_000);

  it('keeps per-key order of 10k messages over 20 keys across an orderly consumer restart', async () => {
    const topic = uniq('ordered');
    await admin.createTopic(topic, { queueNums: 4 });
    const group = uniq('og');
    const seen = new Map<string, number[]>();
    let violations = 0;
    const listener = (m: MessageExt) => {
      const [key, seq] = m.body.toString().split(':') as [string, string];
      const list = seen.get(key) ?? [];
      const n = Number(seq);
      // A redelivery after the restart may repeat the tail, but never goes backwards past a gap.
      if (list.length > 0 && n < list[list.length - 1]! && !list.includes(n)) violations += 1;
      list.push(n);
      seen.set(key, list);
    };
    const rounds = 500;
    let current = pushConsumer({ group, consumeMode: 'orderly' }).subscribe(topic).onMessage(listener);
    await current.start();
    // 20 keys x 500 rounds = 10k messages; within a key, sends are sequential (round after round).
    for (let round = 0; round < rounds; round++) {
      await Promise.all(
        Array.from({ length: 20 }, (_, k) =>
          producer.send({ topic, body: Buffer.from(`k${k}:${round}`) }, { shardingKey: `k${k}` }),
        ),
      );
      if (round === 240) {
        await current.shutdown();
        current = pushConsumer({ group, consumeMode: 'orderly' }).subscribe(topic).onMessage(listener);
        await current.start();
      }
    }
    await waitFor(() => seen.size === 20 && [...seen.values()].every((list) => new Set(list).size === rounds), 60_000);
    await current.shutdown();
    for (const list of seen.values()) {
      const firsts = list.filter((n, i) => list.indexOf(n) === i);
      expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
    }
    expect(violations).toBe(0);
  }, 120_000);

  it('settles transactions: commit, rollback, and unknown then check-back', async () => {
    const topic = uniq('tx');
    await admin.createTopic(topic, { queueNums: 1 });
    const tx = new Producer({ group: uniq('txg'), namesrvAddr: broker.namesrvAddr, instanceName: uniq('tx') });
    await tx.start();
    const got: string[] = [];
    const consumer = pushConsumer({ group: uniq('txc') })
      .subscribe(topic)
      .onMessage((m) => {
        got.push(m.body.toString());
      });
    await consumer.start();
    try {
      const checked: string[] = [];
      tx.setTransactionChecker((message) => {
        checked.push(message.body.toString());
        return message.body.toString() === 'unknown-commit' ? 'commit' : 'rollback';
      });
      await tx.sendInTransaction({ topic, body: Buffer.from('committed') }, () => true);
      await tx.sendInTransaction({ topic, body: Buffer.from('rolled-back') }, () => {
        throw new Error('no');
      });
      const { TransactionUnknownError } = await import('@rocketnest/client');
      await tx.sendInTransaction({ topic, body: Buffer.from('unknown-commit') }, () => {
        throw new TransactionUnknownError('later');
      });
      await tx.sendInTransaction({ topic, body: Buffer.from('unknown-rollback') }, () => {
        throw new TransactionUnknownError('later');
      });
      await waitFor(() => got.includes('unknown-commit') && checked.includes('unknown-rollback'), 20_000);
      await new Promise((r) => setTimeout(r, 500));
      expect(got.sort()).toEqual(['committed', 'unknown-commit']);
      expect(checked.sort()).toEqual(['unknown-commit', 'unknown-rollback']);
    } finally {
      await consumer.shutdown();
      await tx.shutdown();
    }
  }, 30_000);

  it('shards a transactional message and, with awaitCommit, stores it before the next message of its key', async () => {
    const topic = uniq('txorder');
    await admin.createTopic(topic, { queueNums: 8 });
    const tx = new Producer({ group: uniq('txo'), namesrvAddr: broker.namesrvAddr, instanceName: uniq('txo') });
    await tx.start();
    try {
      for (let i = 0; i < 10; i++) {
        const key = `order-${i}`;
        const created = await tx.sendInTransaction({ topic, body: Buffer.from(`${key}:created`) }, () => true, {
          shardingKey: key,
          awaitCommit: true,
        });
        expect(created.state).toBe('commit');
        const paid = await producer.send({ topic, body: Buffer.from(`${key}:paid`) }, { shardingKey: key });
        expect(paid.messageQueue.queueId).toBe(created.sendResult.messageQueue.queueId);
        // The commit is stored already: it sits before "paid" in the queue.
        const queueId = paid.messageQueue.queueId;
        expect(paid.queueOffset).toBeGreaterThan(0);
        const result = await broker.broker.store.getMessage('t', topic, queueId, paid.queueOffset - 1, 1);
        const { decodeStoredMessage } = await import('@rocketnest/protocol');
        expect(decodeStoredMessage(result.messageBuffers[0]!).body.toString()).toBe(`${key}:created`);
      }
    } finally {
      await tx.shutdown();
    }
  });

  it('delivers delayed messages after their level, not before', async () => {
    const topic = uniq('delay');
    await admin.createTopic(topic, { queueNums: 1 });
    const arrivals: number[] = [];
    const consumer = pushConsumer({ group: uniq('dg') })
      .subscribe(topic)
      .onMessage((m) => {
        arrivals.push(Date.now() - Number(m.properties['sentAt']));
      });
    await consumer.start();
    try {
      await producer.send({
        topic,
        body: Buffer.from('later'),
        delayTimeLevel: 2,
        properties: { sentAt: String(Date.now()) },
      });
      await waitFor(() => arrivals.length === 1, 10_000);
      expect(arrivals[0]!).toBeGreaterThanOrEqual(900);
    } finally {
      await consumer.shutdown();
    }
  }, 20_000);

  it('retries a failing message, then sends it to the DLQ after max reconsume times', async () => {
    const topic = uniq('retry');
    await admin.createTopic(topic, { queueNums: 1 });
    const group = uniq('rg');
    const attempts: number[] = [];
    const consumer = pushConsumer({ group, maxReconsumeTimes: 2 })
      .subscribe(topic)
      .onMessage((m) => {
        attempts.push(m.reconsumeTimes);
        throw new Error('always fails');
      });
    await consumer.start();
    const dlq: MessageExt[] = [];
    const dlqReader = pushConsumer({ group: uniq('dlq') });
    try {
      const sent = await producer.send({ topic, body: Buffer.from('poison') });
      await waitFor(() => attempts.length >= 3, 20_000);
      await waitFor(() => broker.broker.topicConfigs.get(`%DLQ%${group}`) !== undefined, 10_000);
      dlqReader.subscribe(`%DLQ%${group}`).onMessage((m) => {
        dlq.push(m);
      });
      await dlqReader.start();
      await waitFor(() => dlq.length === 1, 10_000);
      expect(attempts).toEqual([0, 1, 2]);
      expect(dlq[0]!.msgId).toBe(sent.msgId);
      expect(dlq[0]!.body.toString()).toBe('poison');
    } finally {
      await dlqReader.shutdown();
      await consumer.shutdown();
    }
  }, 40_000);

  it('lite pull: polls, commits, seeks back, and resumes after a restart', async () => {
    const topic = uniq('lite');
    await admin.createTopic(topic, { queueNums: 1 });
    for (let i = 0; i < 10; i++) await producer.send({ topic, body: Buffer.from(`l${i}`) });
    const group = uniq('lg');
    const queue = { topic, brokerName: 'broker-a', queueId: 0 };
    const first = new LitePullConsumer({
      namesrvAddr: broker.namesrvAddr,
      group,
      instanceName: uniq('l'),
      autoCommit: false,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      brokerSuspendMaxTimeMs: 500,
    });
    first.assign([queue]);
    await first.start();
    const polled: string[] = [];
    while (polled.length < 6) polled.push(...(await first.poll(2000, 6 - polled.length)).map((m) => m.body.toString()));
    expect(polled).toEqual(['l0', 'l1', 'l2', 'l3', 'l4', 'l5']);
    await first.commit();
    expect(await first.committed(queue)).toBe(6);
    first.seek(queue, 2);
    expect((await first.poll(2000, 2)).map((m) => m.body.toString())).toEqual(['l2', 'l3']);
    first.seek(queue, 6);
    await first.shutdown();
    const second = new LitePullConsumer({
      namesrvAddr: broker.namesrvAddr,
      group,
      instanceName: uniq('l2'),
      brokerSuspendMaxTimeMs: 500,
    });
    second.assign([queue]);
    await second.start();
    const rest: string[] = [];
    while (rest.length < 4) rest.push(...(await second.poll(2000)).map((m) => m.body.toString()));
    expect(rest).toEqual(['l6', 'l7', 'l8', 'l9']);
    await second.shutdown();
  }, 30_000);

  it('admin: topics, cluster, consumer progress, lookups by id and key, offset reset', async () => {
    const topic = uniq('admin');
    await admin.createTopic(topic, { queueNums: 2 });
    await waitFor(async () => (await admin.listTopics()).includes(topic));
    const cluster = await admin.clusterInfo();
    expect(cluster.clusterAddrTable['DefaultCluster']).toEqual(['broker-a']);
    const sent = await producer.send({ topic, body: Buffer.from('find me'), keys: 'order-77' });
    const byId = await admin.viewMessage(sent.offsetMsgId);
    expect(byId.body.toString()).toBe('find me');
    await waitFor(async () => (await admin.queryMessageByKey(topic, 'order-77')).length === 1);
    expect((await admin.queryMessageByUniqKey(topic, sent.msgId))?.body.toString()).toBe('find me');
    const group = uniq('ag');
    await admin.resetOffsetByTimestamp(group, topic, -1);
    const progress = await admin.consumerProgress(group, topic);
    expect(progress).toHaveLength(2);
    expect(progress.reduce((sum, p) => sum + p.lag, 0)).toBe(0);
    const stats = await admin.topicStats(topic);
    expect(stats.reduce((sum, [, o]) => sum + o.maxOffset, 0)).toBe(1);
    const runtime = [...(await admin.brokerRuntimeInfo()).values()];
    expect(runtime).toHaveLength(1);
    expect(Number(runtime[0]!['commitLogMaxOffset'])).toBeGreaterThan(0);
    expect(Number(runtime[0]!['commitLogWrites'])).toBeGreaterThan(0);
    await admin.deleteTopic(topic);
    await waitFor(async () => !(await admin.listTopics()).includes(topic));
  });
});
