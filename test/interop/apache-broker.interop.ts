/**
 * Suite A, "our client against Apache": the client's and the transport's main scenarios, unchanged, against
 * the Apache RocketMQ 5.5.0 reference cluster (interop/apache/cluster.ts), with JSON and ROCKETMQ request
 * headers (remoting-protocol.md 1.4, 1.5). Skips, with the reason printed, when java, mvn or Maven Central is
 * not available. Run by `npm run test:interop`, never by `npm test`.
 */
import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { INestMicroservice } from '@nestjs/common';
import { lastValueFrom } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import {
  ClientInstance,
  MessageExt,
  Producer,
  PushConsumer,
  PushConsumerOptions,
  TransactionUnknownError,
  createReply,
  type HeaderSerialization,
} from '@rocketnest/client';
import { ClientRocketMQ, RocketMQContext, RocketMQModule, ServerRocketMQ, Topic } from '@rocketnest/nestjs';
import {
  MessageConst,
  RequestCode,
  SerializeType,
  decodeOffsetMsgId,
  decodeTopicList,
  messageQueueKey,
} from '@rocketnest/protocol';
import { tryStartApacheCluster, type ApacheCluster } from '../../interop/apache/cluster.js';
import { consumeStats, createTopicRaw, quietPeriod, tempDir, uniq, waitFor } from './support/interop-support.js';

/** Every level 1 s: retries and delayed messages come back quickly (broker-semantics.md 5.1). */
const DELAY_LEVELS = Array.from({ length: 18 }, () => '1s').join(' ');
const SERIALIZATIONS: readonly HeaderSerialization[] = ['JSON', 'ROCKETMQ'];

/** Consumer timings shortened for tests; everything else is the client's default. */
const FAST_CONSUMER = {
  consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
  pullDelayOnErrorMs: 200,
  rebalanceIntervalMs: 1000,
  brokerSuspendMaxTimeMs: 2000,
  persistConsumerOffsetIntervalMs: 200,
  lockIntervalMs: 1000,
  suspendCurrentQueueTimeMs: 100,
  shutdownTimeoutMs: 5000,
} as const satisfies Partial<PushConsumerOptions>;

let cluster: ApacheCluster | undefined;
let skipReason = 'the Apache cluster did not start';

beforeAll(async () => {
  const started = await tryStartApacheCluster({
    messageDelayLevel: DELAY_LEVELS,
    transactionCheckIntervalMs: 1000,
    transactionTimeOutMs: 2000,
    // 5.x writes "transaction done" op records in batches; keep the batch well under the timeout above, or
    // the broker checks back transactions already ended (interop/README.md, "Apache behaviour").
    transactionOpBatchIntervalMs: 500,
  });
  if ('skipReason' in started) {
    skipReason = started.skipReason;
    console.log(`SKIP apache-rocketmq: ${skipReason}`);
  } else {
    cluster = started.cluster;
    console.log(
      `# Apache RocketMQ 5.5.0: namesrv ${cluster.namesrvAddr}, broker ${cluster.brokerAddr}, ready in ${cluster.timings.totalMs} ms` +
        (cluster.timings.downloaded ? ` (downloaded in ${cluster.timings.downloadMs} ms)` : ''),
    );
  }
});

afterAll(async () => {
  await cluster?.stop();
});

/** The running cluster, or skips the test with the reason. */
function apache(ctx: TestContext): ApacheCluster {
  if (cluster === undefined) ctx.skip(skipReason);
  return cluster!;
}

/** Clients opened by a test, closed after it whatever happened (last opened, first closed). */
const opened: Array<{ shutdown(): Promise<void> }> = [];
function track<T extends { shutdown(): Promise<void> }>(client: T): T {
  opened.push(client);
  return client;
}
afterEach(async () => {
  while (opened.length > 0) await opened.pop()!.shutdown();
});

describe.each(SERIALIZATIONS)('our client against Apache RocketMQ 5.5.0, %s headers', (serializeType) => {
  let instance: ClientInstance | undefined;
  let producer: Producer;
  let offsetDir: { dir: string; remove(): Promise<void> };

  beforeAll(async () => {
    if (cluster === undefined) return;
    instance = ClientInstance.acquire({ namesrvAddr: cluster.namesrvAddr, instanceName: uniq('admin'), serializeType });
    producer = new Producer({
      group: uniq('PG'),
      namesrvAddr: cluster.namesrvAddr,
      instanceName: uniq('producer'),
      serializeType,
    });
    await producer.start();
    offsetDir = await tempDir('rocketnest-interop-offsets-');
  });
  afterAll(async () => {
    if (instance === undefined) return;
    await producer.shutdown();
    await instance.release();
    await offsetDir.remove();
  });

  const api = () => instance!.api;
  const createTopic = (c: ApacheCluster, topic: string, queues: number, order = false): Promise<void> =>
    createTopicRaw(api(), c.brokerAddr, c.namesrvAddr, topic, queues, order);
  const consumer = (c: ApacheCluster, options: Partial<PushConsumerOptions> & { group: string }): PushConsumer =>
    track(
      new PushConsumer({
        namesrvAddr: c.namesrvAddr,
        instanceName: uniq('consumer'),
        serializeType,
        offsetStoreDir: offsetDir.dir,
        ...FAST_CONSUMER,
        ...options,
      }),
    );
  const newProducer = (c: ApacheCluster, group: string): Producer =>
    track(new Producer({ group, namesrvAddr: c.namesrvAddr, instanceName: uniq('producer'), serializeType }));

  it('writes its requests with the chosen header serialization', (ctx) => {
    apache(ctx);
    expect(api().command(RequestCode.HEART_BEAT).serializeType).toBe(SerializeType[serializeType]);
  });

  it('sends sync, async, one-way and batch; a consumer gets every message with tags, keys and properties', async (ctx) => {
    const c = apache(ctx);
    const topic = uniq('T_send');
    await createTopic(c, topic, 4);
    const received = new Map<string, MessageExt>();
    await consumer(c, { group: uniq('CG_send') })
      .subscribe(topic, '*')
      .onMessage((m) => {
        received.set(m.body.toString(), m);
      })
      .start();

    const expected: string[] = [];
    const sync = [];
    for (let i = 0; i < 8; i++) {
      const result = await producer.send({
        topic,
        body: Buffer.from(`sync-${i}`),
        tags: 'TagA',
        keys: [`key-${i}`, 'shared'],
        properties: { n: String(i) },
      });
      expect(result.sendStatus).toBe('SEND_OK');
      expect(decodeOffsetMsgId(result.offsetMsgId).address).toBe(c.brokerAddr);
      sync.push(result);
      expected.push(`sync-${i}`);
    }
    expect(new Set(sync.map((r) => r.messageQueue.queueId)).size).toBe(4);
    const async = await Promise.all(
      Array.from({ length: 8 }, (_, i) => producer.send({ topic, body: Buffer.from(`async-${i}`), tags: 'TagB' })),
    );
    expect(async.every((r) => r.sendStatus === 'SEND_OK')).toBe(true);
    expected.push(...async.map((_, i) => `async-${i}`));
    for (let i = 0; i < 4; i++) {
      await producer.sendOneway({ topic, body: Buffer.from(`oneway-${i}`) });
      expected.push(`oneway-${i}`);
    }
    const batch = await producer.sendBatch(
      Array.from({ length: 4 }, (_, i) => ({ topic, body: Buffer.from(`batch-${i}`), tags: 'TagC' })),
    );
    expect(batch.msgId.split(',')).toHaveLength(4);
    expected.push(...Array.from({ length: 4 }, (_, i) => `batch-${i}`));
    // Above compressThresholdBytes: sent zlib-compressed (sysFlag bit 0), read back inflated (4.4).
    const big = 'x'.repeat(8192);
    await producer.send({ topic, body: Buffer.from(big) });
    expected.push(big);

    await waitFor('every message consumed', () => expected.every((body) => received.has(body)));
    const first = received.get('sync-3')!;
    expect(first.msgId).toBe(sync[3]!.msgId);
    expect(first.offsetMsgId).toBe(sync[3]!.offsetMsgId);
    expect(first.tags).toBe('TagA');
    expect(first.keys).toEqual(['key-3', 'shared']);
    expect(first.properties['n']).toBe('3');
    expect(first.topic).toBe(topic);
    expect(received.get('async-0')!.tags).toBe('TagB');
    expect(batch.msgId.split(',')).toContain(received.get('batch-2')!.msgId);
  });

  it('filters by tag expression on the broker', async (ctx) => {
    const c = apache(ctx);
    const topic = uniq('T_tags');
    await createTopic(c, topic, 2);
    const tags: string[] = [];
    await consumer(c, { group: uniq('CG_tags') })
      .subscribe(topic, 'TagA || TagB')
      .onMessage((m) => {
        tags.push(m.tags ?? '');
      })
      .start();
    for (const tag of ['TagA', 'TagC', 'TagB', 'TagD', 'TagA'])
      await producer.send({ topic, body: Buffer.from(tag), tags: tag });
    await waitFor('three matching messages', () => tags.length >= 3);
    await quietPeriod(500);
    expect(tags.sort()).toEqual(['TagA', 'TagA', 'TagB']);
  });

  it('clustering: two members split 4 queues 2/2 and each message is consumed once', async (ctx) => {
    const c = apache(ctx);
    const topic = uniq('T_cluster');
    await createTopic(c, topic, 4);
    const group = uniq('CG_cluster');
    const seen = new Map<string, number>();
    const record = (m: MessageExt): void => {
      seen.set(m.msgId, (seen.get(m.msgId) ?? 0) + 1);
    };
    const a = consumer(c, { group }).subscribe(topic).onMessage(record);
    const b = consumer(c, { group }).subscribe(topic).onMessage(record);
    await a.start();
    await b.start();
    const owned = (x: PushConsumer): number => x.assignedQueues().filter((q) => q.topic === topic).length;
    await waitFor('queues split 2/2', () => owned(a) === 2 && owned(b) === 2);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push((await producer.send({ topic, body: Buffer.from(`c-${i}`) })).msgId);
    await waitFor('all 40 consumed', () => ids.every((id) => seen.has(id)));
    await quietPeriod(300);
    expect(ids.filter((id) => seen.get(id) !== 1)).toEqual([]);
  });

  it('broadcasting: every member gets every message', async (ctx) => {
    const c = apache(ctx);
    const topic = uniq('T_bcast');
    await createTopic(c, topic, 2);
    const group = uniq('CG_bcast');
    const got: [Set<string>, Set<string>] = [new Set(), new Set()];
    for (const set of got) {
      await consumer(c, { group, messageModel: 'BROADCASTING' })
        .subscribe(topic)
        .onMessage((m) => {
          set.add(m.body.toString());
        })
        .start();
    }
    const bodies = Array.from({ length: 10 }, (_, i) => `b-${i}`);
    for (const body of bodies) await producer.send({ topic, body: Buffer.from(body) });
    await waitFor('both members got all 10', () => got.every((set) => bodies.every((b) => set.has(b))));
  });

  it('resumes from the committed offset after the consumer restarts, without redelivery', async (ctx) => {
    const c = apache(ctx);
    const topic = uniq('T_resume');
    await createTopic(c, topic, 2);
    const group = uniq('CG_resume');
    const first: string[] = [];
    const c1 = consumer(c, { group })
      .subscribe(topic)
      .onMessage((m) => {
        first.push(m.body.toString());
      });
    await c1.start();
    for (let i = 0; i < 5; i++) await producer.send({ topic, body: Buffer.from(`r${i}`) });
    await waitFor('first five', () => first.length === 5);
    // Apache runs offset commits of one connection on a thread pool: a periodic (oneway) commit sent just
    // before the final one at shutdown can land last and move the offset back (interop/README.md, "Apache
    // behaviour"). Wait until the broker holds the progress, so every commit in flight carries the same value.
    await waitFor('progress committed on the broker', async () => {
      const stats = await consumeStats(api(), c.brokerAddr, group, topic);
      return stats.offsetTable.reduce((lag, [, o]) => lag + o.brokerOffset - o.consumerOffset, 0) === 0;
    });
    await c1.shutdown();
    for (let i = 5; i < 10; i++) await producer.send({ topic, body: Buffer.from(`r${i}`) });
    const second: string[] = [];
    await consumer(c, { group })
      .subscribe(topic)
      .onMessage((m) => {
        second.push(m.body.toString());
      })
      .start();
    await waitFor('last five', () => second.length >= 5);
    await quietPeriod(500);
    expect(second.sort()).toEqual(['r5', 'r6', 'r7', 'r8', 'r9']);
  });

  it('orderly consumer keeps per-key order of sharded messages (broker queue locks)', async (ctx) => {
    const c = apache(ctx);
    const topic = uniq('T_order');
    await createTopic(c, topic, 4, true);
    const seen = new Map<string, number[]>();
    await consumer(c, { group: uniq('CG_order'), consumeMode: 'orderly' })
      .subscribe(topic)
      .onMessage(async (m) => {
        const [key, seq] = m.body.toString().split(':') as [string, string];
        seen.set(key, [...(seen.get(key) ?? []), Number(seq)]);
        // A slow listener: a concurrent consumer would now overtake within a queue.
        if (Number(seq) % 7 === 0) await quietPeriod(20);
      })
      .start();
    const keys = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'];
    const queues = new Map<string, Set<number>>();
    for (let seq = 0; seq < 20; seq++) {
      for (const key of keys) {
        const result = await producer.send({ topic, body: Buffer.from(`${key}:${seq}`) }, { shardingKey: key });
        queues.set(key, (queues.get(key) ?? new Set()).add(result.messageQueue.queueId));
      }
    }
    expect([...queues.values()].every((set) => set.size === 1)).toBe(true);
    await waitFor('all 120 in', () => keys.every((k) => (seen.get(k) ?? []).length >= 20));
    for (const key of keys) expect(seen.get(key)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('delivers a delayed message after its level, to the original topic', async (ctx) => {
    const c = apache(ctx);
    const topic = uniq('T_delay');
    await createTopic(c, topic, 1);
    const arrivals: Array<{ message: MessageExt; afterMs: number }> = [];
    let sentAt = 0;
    await consumer(c, { group: uniq('CG_delay') })
      .subscribe(topic)
      .onMessage((message) => {
        arrivals.push({ message, afterMs: Date.now() - sentAt });
      })
      .start();
    sentAt = Date.now();
    const sent = await producer.send({ topic, body: Buffer.from('later'), delayTimeLevel: 3 });
    await waitFor('the delayed message', () => arrivals.length === 1);
    const [{ message, afterMs }] = arrivals as [{ message: MessageExt; afterMs: number }];
    expect(message.msgId).toBe(sent.msgId);
    expect(message.topic).toBe(topic);
    // B 5.3: delivered from SCHEDULE_TOPIC_XXXX with the original destination recorded (Apache also keeps
    // DELAY, we remove it: interop/README.md, "Compatibility notes").
    expect(message.properties[MessageConst.REAL_TOPIC]).toBe(topic);
    // Level 3 is 1 s here; the broker's schedule tick may add a little, never deliver early.
    expect(afterMs).toBeGreaterThanOrEqual(900);
  });

  it('retries RECONSUME_LATER until the third delivery, and sends a message failing past maxReconsumeTimes to the DLQ', async (ctx) => {
    const c = apache(ctx);
    const topic = uniq('T_retry');
    await createTopic(c, topic, 1);
    const group = uniq('CG_retry');
    const deliveries = new Map<string, MessageExt[]>();
    await consumer(c, { group, maxReconsumeTimes: 2 })
      .subscribe(topic)
      .onMessage((m) => {
        const body = m.body.toString();
        deliveries.set(body, [...(deliveries.get(body) ?? []), m]);
        if (body === 'poison') throw new Error('never works');
        return (deliveries.get(body)?.length ?? 0) < 3 ? 'RECONSUME_LATER' : 'SUCCESS';
      })
      .start();
    const flaky = await producer.send({ topic, body: Buffer.from('flaky') });
    const poison = await producer.send({ topic, body: Buffer.from('poison') });
    await waitFor(
      'three deliveries of each',
      () => ['flaky', 'poison'].every((b) => (deliveries.get(b) ?? []).length >= 3),
      40_000,
    );
    const flakyRuns = deliveries.get('flaky')!;
    expect(flakyRuns.map((m) => m.reconsumeTimes)).toEqual([0, 1, 2]);
    expect(flakyRuns.every((m) => m.msgId === flaky.msgId && m.topic === topic)).toBe(true);

    // 3 deliveries with maxReconsumeTimes 2: the third failure goes to %DLQ%<group> (broker-semantics.md 4.2).
    const dlqTopic = `%DLQ%${group}`;
    await waitFor(
      'the DLQ topic',
      async () => (await api().getTopicRouteInfo(c.namesrvAddr, dlqTopic)) !== undefined,
      20_000,
    );
    const inDlq = await (async () => {
      let found: string[] = [];
      await waitFor('the poison message in the DLQ index', async () => {
        const stored = await api().queryMessage(c.brokerAddr, dlqTopic, poison.msgId, 32, 0, Date.now() + 60_000, true);
        found = stored.map((m) => m.body.toString());
        return found.length > 0;
      });
      return found;
    })();
    expect(inDlq).toEqual(['poison']);
    expect(deliveries.get('poison')!.map((m) => m.reconsumeTimes)).toEqual([0, 1, 2]);
    await quietPeriod(1500);
    expect(deliveries.get('poison')).toHaveLength(3);
    expect(deliveries.get('flaky')).toHaveLength(3);
  });

  it('settles transactions: local commit, local rollback, and unknown resolved by the check-back', async (ctx) => {
    const c = apache(ctx);
    const topic = uniq('T_tx');
    await createTopic(c, topic, 1);
    const got: string[] = [];
    await consumer(c, { group: uniq('CG_tx') })
      .subscribe(topic)
      .onMessage((m) => {
        got.push(m.body.toString());
      })
      .start();
    const tx = newProducer(c, uniq('PG_tx'));
    const checks: string[] = [];
    tx.setTransactionChecker((message) => {
      const body = message.body.toString();
      checks.push(body);
      if (body === 'unknown-then-commit') return checks.filter((b) => b === body).length === 1 ? 'unknown' : 'commit';
      if (body === 'unknown-then-rollback') return 'rollback';
      // The broker may ask about one it already saw ended (op records are batched): answer the truth.
      return body === 'committed' ? 'commit' : 'rollback';
    });
    await tx.start();
    const committed = await tx.sendInTransaction({ topic, body: Buffer.from('committed') }, () => 'ok');
    expect(committed.state).toBe('commit');
    expect(committed.sendResult.transactionId).toBeDefined();
    const rolledBack = await tx.sendInTransaction({ topic, body: Buffer.from('rolled-back') }, () => {
      throw new Error('local failure');
    });
    expect(rolledBack.state).toBe('rollback');
    for (const body of ['unknown-then-commit', 'unknown-then-rollback']) {
      const result = await tx.sendInTransaction({ topic, body: Buffer.from(body) }, () => {
        throw new TransactionUnknownError('decide later');
      });
      expect(result.state).toBe('unknown');
    }
    await waitFor(
      'check-backs settled',
      () => got.includes('unknown-then-commit') && checks.includes('unknown-then-rollback'),
      30_000,
    );
    await quietPeriod(2500);
    expect([...new Set(got)].sort()).toEqual(['committed', 'unknown-then-commit']);
    expect(checks.filter((b) => b === 'unknown-then-commit').length).toBeGreaterThanOrEqual(2);
    const duplicates = got.length - new Set(got).size;
    if (duplicates > 0)
      console.log(`# note ${serializeType} transactions: ${duplicates} duplicate deliveries ${JSON.stringify(got)}`);
  });

  it('request-reply: producer.request resolves with the reply a responder sends with createReply/sendReply', async (ctx) => {
    const c = apache(ctx);
    const topic = uniq('T_rpc');
    await createTopic(c, topic, 2);
    const responder = newProducer(c, uniq('PG_responder'));
    await responder.start();
    await consumer(c, { group: uniq('CG_rpc') })
      .subscribe(topic)
      .onMessage(async (m) => {
        await responder.sendReply(
          createReply(m, Buffer.from(`pong:${m.body.toString()}`), { answeredBy: 'responder' }),
        );
      })
      .start();
    const replies = await Promise.all(
      ['a', 'b', 'c'].map((x) => producer.request({ topic, body: Buffer.from(x) }, 15_000)),
    );
    expect(replies.map((r) => r.body.toString())).toEqual(['pong:a', 'pong:b', 'pong:c']);
    expect(replies[0]!.properties['answeredBy']).toBe('responder');
  });

  it('admin: create topic, topic list, consumer progress, message by id and by key', async (ctx) => {
    const c = apache(ctx);
    const topic = uniq('T_admin');
    await createTopic(c, topic, 4);
    const list = await api().call(c.namesrvAddr, api().command(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER));
    expect(decodeTopicList(list.body!).topicList).toContain(topic);
    const route = await api().getTopicRouteInfo(c.namesrvAddr, topic);
    expect(route!.queueDatas.map((q) => [q.readQueueNums, q.writeQueueNums, q.perm])).toEqual([[4, 4, 6]]);

    const key = uniq('order');
    const sent = [];
    for (let i = 0; i < 6; i++) sent.push(await producer.send({ topic, body: Buffer.from(`admin-${i}`), keys: key }));
    const group = uniq('CG_admin');
    const consumed = new Set<string>();
    await consumer(c, { group })
      .subscribe(topic)
      .onMessage((m) => {
        consumed.add(m.body.toString());
      })
      .start();
    await waitFor('6 consumed', () => consumed.size === 6);
    await waitFor('consumer progress caught up', async () => {
      const stats = await consumeStats(api(), c.brokerAddr, group, topic);
      const queues = stats.offsetTable.filter(([mq]) => mq.topic === topic);
      const lag = queues.reduce((sum, [, o]) => sum + o.brokerOffset - o.consumerOffset, 0);
      return queues.length === 4 && lag === 0;
    });
    const stats = await consumeStats(api(), c.brokerAddr, group, topic);
    expect(stats.offsetTable.reduce((sum, [, o]) => sum + o.brokerOffset, 0)).toBe(6);
    expect(new Set(stats.offsetTable.map(([mq]) => messageQueueKey(mq))).size).toBe(4);

    // By offset id: VIEW_MESSAGE_BY_ID to the store host the id names (2.8.1).
    const id = decodeOffsetMsgId(sent[2]!.offsetMsgId);
    expect(id.address).toBe(c.brokerAddr);
    const viewed = await api().viewMessage(id.address, id.physicalOffset);
    expect(viewed.body.toString()).toBe('admin-2');
    expect(viewed.properties[MessageConst.UNIQ_KEY]).toBe(sent[2]!.msgId);
    // By key and by unique key: QUERY_MESSAGE on the index (2.8.2).
    let byKey: string[] = [];
    await waitFor('query by key', async () => {
      const found = await api().queryMessage(c.brokerAddr, topic, key, 32, 0, Date.now() + 60_000, false);
      byKey = found.map((m) => m.body.toString()).sort();
      return byKey.length >= 6;
    });
    expect(byKey).toEqual(Array.from({ length: 6 }, (_, i) => `admin-${i}`));
    const byUniq = await api().queryMessage(c.brokerAddr, topic, sent[4]!.msgId, 32, 0, Date.now() + 60_000, true);
    expect(byUniq.map((m) => m.body.toString())).toContain('admin-4');
  });
});

const NEST = { topic: uniq('T_nest'), group: uniq('CG_nest') };
const nestSeen: Array<{ payload: unknown; tag: string | undefined; msgId: string }> = [];

@Controller()
class NestOrdersController {
  @Topic(NEST.topic)
  onOrder(@Payload() payload: unknown, @Ctx() ctx: RocketMQContext): void {
    nestSeen.push({ payload, tag: ctx.getTag(), msgId: ctx.getMsgId() });
  }
}

describe('a Nest app against Apache RocketMQ 5.5.0', () => {
  it('delivers ClientRocketMQ.emit to a @Topic handler of a ServerRocketMQ microservice', async (ctx) => {
    const c = apache(ctx);
    const instance = ClientInstance.acquire({ namesrvAddr: c.namesrvAddr, instanceName: uniq('nest-admin') });
    try {
      await createTopicRaw(instance.api, c.brokerAddr, c.namesrvAddr, NEST.topic, 2);
    } finally {
      await instance.release();
    }
    const moduleRef = await Test.createTestingModule({
      imports: [RocketMQModule.forRoot({ namesrvAddr: c.namesrvAddr, producerGroup: uniq('PG_nest') })],
      controllers: [NestOrdersController],
    }).compile();
    const app: INestMicroservice = moduleRef.createNestMicroservice({
      strategy: new ServerRocketMQ({
        namesrvAddr: c.namesrvAddr,
        group: NEST.group,
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
        consumer: { rebalanceIntervalMs: 1000, brokerSuspendMaxTimeMs: 2000, pullDelayOnErrorMs: 200 },
      }),
    });
    track({ shutdown: () => app.close() });
    await app.listen();
    const client = app.get(ClientRocketMQ);
    const result = await lastValueFrom(client.emit({ topic: NEST.topic, tag: 'paid' }, { orderId: 'o-1', amount: 3 }));
    await waitFor('the handler ran', () => nestSeen.length === 1);
    expect(nestSeen[0]).toMatchObject({ payload: { orderId: 'o-1', amount: 3 }, tag: 'paid' });
    expect(nestSeen[0]!.msgId).toBe((result as { msgId: string }).msgId);
  });
});
