import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageExt, Producer, PushConsumer, PushConsumerOptions } from '@rocketnest/client';
import { startTestBroker, uniq, waitFor } from './support/standalone-fixture.js';

describe('PushConsumer against the standalone broker', () => {
  let broker: Awaited<ReturnType<typeof startTestBroker>>;
  let producer: Producer;
  let offsetDir: string;
  const consumers: PushConsumer[] = [];

  beforeAll(async () => {
    broker = await startTestBroker();
    producer = new Producer({ group: uniq('pg'), namesrvAddr: broker.namesrvAddr, instanceName: uniq('p') });
    await producer.start();
    offsetDir = await mkdtemp(path.join(os.tmpdir(), 'rocketnest-offsets-'));
  });
  afterAll(async () => {
    for (const consumer of consumers) await consumer.shutdown();
    await producer.shutdown();
    await broker.close();
    await rm(offsetDir, { recursive: true, force: true });
  });

  function consumer(options: Partial<PushConsumerOptions> & { group: string }): PushConsumer {
    const created = new PushConsumer({
      namesrvAddr: broker.namesrvAddr,
      instanceName: uniq('c'),
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      pullDelayOnErrorMs: 100,
      rebalanceIntervalMs: 1000,
      brokerSuspendMaxTimeMs: 2000,
      persistConsumerOffsetIntervalMs: 200,
      offsetStoreDir: offsetDir,
      ...options,
    });
    consumers.push(created);
    return created;
  }

  async function createTopic(topic: string): Promise<void> {
    await producer
      .send({ topic, body: Buffer.from('create') }, { queue: { topic, brokerName: 'broker-a', queueId: 0 } })
      .catch(async () => {
        await producer.send({ topic, body: Buffer.from('create') });
      });
  }

  it('consumes every message of a topic, with tags and properties', async () => {
    const topic = uniq('t');
    await createTopic(topic);
    const received: MessageExt[] = [];
    const c = consumer({ group: uniq('g') })
      .subscribe(topic, '*')
      .onMessage((m) => {
        received.push(m);
      });
    await c.start();
    for (let i = 0; i < 50; i++)
      await producer.send({ topic, body: Buffer.from(`m${i}`), tags: 'A', properties: { n: String(i) } });
    await waitFor(() => received.length >= 51);
    const bodies = new Set(received.map((m) => m.body.toString()));
    for (let i = 0; i < 50; i++) expect(bodies.has(`m${i}`)).toBe(true);
    expect(received.find((m) => m.body.toString() === 'm7')!.properties['n']).toBe('7');
  });

  it('filters by tag expression', async () => {
    const topic = uniq('tags');
    await createTopic(topic);
    const received: string[] = [];
    const c = consumer({ group: uniq('g') })
      .subscribe(topic, 'paid || refunded')
      .onMessage((m) => {
        received.push(m.tags!);
      });
    await c.start();
    for (const tag of ['paid', 'created', 'refunded', 'shipped', 'paid'])
      await producer.send({ topic, body: Buffer.from(tag), tags: tag });
    await waitFor(() => received.length >= 3);
    await new Promise((r) => setTimeout(r, 200));
    expect(received.sort()).toEqual(['paid', 'paid', 'refunded']);
  });

  it('splits queues between two members of a group and delivers each message once', async () => {
    const topic = uniq('cluster');
    await createTopic(topic);
    const group = uniq('g');
    const seen = new Map<string, number>();
    const record = (m: MessageExt) => {
      seen.set(m.msgId, (seen.get(m.msgId) ?? 0) + 1);
    };
    const a = consumer({ group }).subscribe(topic).onMessage(record);
    const b = consumer({ group }).subscribe(topic).onMessage(record);
    await a.start();
    await b.start();
    await waitFor(
      () =>
        a.assignedQueues().filter((q) => q.topic === topic).length === 2 &&
        b.assignedQueues().filter((q) => q.topic === topic).length === 2,
    );
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push((await producer.send({ topic, body: Buffer.from(`x${i}`) })).msgId);
    await waitFor(() => ids.every((id) => seen.has(id)));
    expect(ids.every((id) => seen.get(id) === 1)).toBe(true);
  });

  it('broadcasting delivers every message to every member', async () => {
    const topic = uniq('bcast');
    await createTopic(topic);
    const group = uniq('g');
    const got: Record<string, string[]> = { a: [], b: [] };
    const a = consumer({ group, messageModel: 'BROADCASTING' })
      .subscribe(topic)
      .onMessage((m) => {
        got['a']!.push(m.body.toString());
      });
    const b = consumer({ group, messageModel: 'BROADCASTING' })
      .subscribe(topic)
      .onMessage((m) => {
        got['b']!.push(m.body.toString());
      });
    await a.start();
    await b.start();
    for (let i = 0; i < 10; i++) await producer.send({ topic, body: Buffer.from(`b${i}`) });
    await waitFor(
      () =>
        got['a']!.filter((x) => x.startsWith('b')).length === 10 &&
        got['b']!.filter((x) => x.startsWith('b')).length === 10,
    );
  });

  it('resumes from the committed offset after a restart without redelivering', async () => {
    const topic = uniq('resume');
    await createTopic(topic);
    const group = uniq('g');
    const first: string[] = [];
    const c1 = consumer({ group })
      .subscribe(topic)
      .onMessage((m) => {
        first.push(m.body.toString());
      });
    await c1.start();
    for (let i = 0; i < 5; i++) await producer.send({ topic, body: Buffer.from(`r${i}`) });
    await waitFor(() => first.filter((x) => x.startsWith('r')).length === 5);
    await c1.shutdown();
    for (let i = 5; i < 10; i++) await producer.send({ topic, body: Buffer.from(`r${i}`) });
    const second: string[] = [];
    const c2 = consumer({ group })
      .subscribe(topic)
      .onMessage((m) => {
        second.push(m.body.toString());
      });
    await c2.start();
    await waitFor(() => second.length >= 5);
    await new Promise((r) => setTimeout(r, 200));
    expect(second.sort()).toEqual(['r5', 'r6', 'r7', 'r8', 'r9']);
  });

  it('drains running listeners on shutdown and commits their offsets', async () => {
    const topic = uniq('drain');
    await createTopic(topic);
    const group = uniq('g');
    let finished = 0;
    const c1 = consumer({ group })
      .subscribe(topic)
      .onMessage(async () => {
        await new Promise((r) => setTimeout(r, 300));
        finished += 1;
      });
    await c1.start();
    for (let i = 0; i < 5; i++) await producer.send({ topic, body: Buffer.from(`d${i}`) });
    await waitFor(() => finished >= 1);
    await c1.shutdown();
    const done = finished;
    const again: string[] = [];
    const c2 = consumer({ group })
      .subscribe(topic)
      .onMessage((m) => {
        again.push(m.body.toString());
      });
    await c2.start();
    await waitFor(() => done + again.length >= 6);
    await new Promise((r) => setTimeout(r, 200));
    expect(done + again.length).toBe(6);
  });
});
