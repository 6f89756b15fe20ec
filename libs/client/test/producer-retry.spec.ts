import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Broker, NameServer } from '@rocketnest/broker';
import { Logger, RemotingConnectError, RemotingError, RequestCode } from '@rocketnest/protocol';
import { ClientInstance, Producer, ProducerOptions, selectQueueByKey } from '@rocketnest/client';
import { uniq, waitFor } from './support/standalone-fixture.js';

/** Records the producer's failed attempts (debug entries), by broker name. */
function attemptLog(): { logger: Logger; failedOn: string[] } {
  const failedOn: string[] = [];
  const noop = (): void => undefined;
  return {
    failedOn,
    logger: {
      debug(message, fields) {
        if (message === 'send attempt failed') failedOn.push(String(fields?.['brokerName']));
      },
      info: noop,
      warn: noop,
      error: noop,
    },
  };
}

describe('Producer retries across two brokers', () => {
  let dir: string;
  let namesrv: NameServer;
  let brokerA: Broker;
  let brokerB: Broker;
  let admin: ClientInstance;
  const producers: Producer[] = [];
  const topic = uniq('two');
  // Every producer is started (and caches the two-broker route) while both brokers are up: once broker-b
  // is gone the NameServer drops it, and only cached routes still send there.
  const logs = { retry: attemptLog(), ordered: attemptLog(), avoiding: attemptLog(), pinned: attemptLog() };
  let plain: Producer;
  let retrying: Producer;
  let ordered: Producer;
  let avoiding: Producer;
  let pinned: Producer;

  async function startProducer(options: Partial<ProducerOptions> = {}): Promise<Producer> {
    const producer = new Producer({
      group: uniq('pg'),
      namesrvAddr: namesrv.addr,
      instanceName: uniq('p'),
      ...options,
    });
    await producer.start();
    producers.push(producer);
    // Cache the two-broker route now: a dead broker stays in it until the next refresh (30 s).
    expect(new Set((await producer.fetchPublishMessageQueues(topic)).map((q) => q.brokerName))).toEqual(
      new Set(['broker-a', 'broker-b']),
    );
    return producer;
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rocketnest-client-retry-'));
    namesrv = new NameServer({ host: '127.0.0.1', port: 0, kvConfigPath: null });
    await namesrv.start();
    const common = { host: '127.0.0.1', port: 0, namesrvAddr: [namesrv.addr] };
    brokerA = await Broker.start({ ...common, dataDir: path.join(dir, 'a'), brokerName: 'broker-a' });
    brokerB = await Broker.start({ ...common, dataDir: path.join(dir, 'b'), brokerName: 'broker-b' });
    admin = ClientInstance.acquire({ namesrvAddr: namesrv.addr, instanceName: uniq('admin') });
    for (const addr of [brokerA.brokerAddr, brokerB.brokerAddr]) {
      await admin.api.call(
        addr,
        admin.api.command(RequestCode.UPDATE_AND_CREATE_TOPIC, {
          topic,
          defaultTopic: 'TBW102',
          readQueueNums: '2',
          writeQueueNums: '2',
          perm: '6',
          topicFilterType: 'SINGLE_TAG',
        }),
      );
    }
    await waitFor(async () => ((await admin.updateTopicRoute(topic))?.queueDatas.length ?? 0) === 2);
    plain = await startProducer();
    retrying = await startProducer({ logger: logs.retry.logger });
    ordered = await startProducer({ logger: logs.ordered.logger });
    avoiding = await startProducer({ logger: logs.avoiding.logger, sendLatencyFaultEnable: true });
    pinned = await startProducer({ logger: logs.pinned.logger, retryTimesWhenSendFailed: 1 });
  });
  afterAll(async () => {
    for (const producer of producers) await producer.shutdown();
    await admin?.release();
    await brokerA?.shutdown();
    await brokerB?.shutdown();
    await namesrv?.shutdown();
    await rm(dir, { recursive: true, force: true });
  });

  it('spreads sends over the queues of both brokers while both are up', async () => {
    const producer = plain;
    const brokers = new Set<string>();
    for (let i = 0; i < 8; i++)
      brokers.add((await producer.send({ topic, body: Buffer.from(`up${i}`) })).messageQueue.brokerName);
    expect(brokers).toEqual(new Set(['broker-a', 'broker-b']));
  });

  it('retries on the other broker when one broker is down, keeping every send', async () => {
    const { failedOn } = logs.retry;
    const producer = retrying;
    // As if the process were killed: connections drop, nothing is unregistered.
    await brokerB.crashForTesting();
    const results = [];
    for (let i = 0; i < 12; i++) results.push(await producer.send({ topic, body: Buffer.from(`down${i}`) }));
    expect(results.every((r) => r.sendStatus === 'SEND_OK')).toBe(true);
    expect(new Set(results.map((r) => r.messageQueue.brokerName))).toEqual(new Set(['broker-a']));
    // Round robin over a0 a1 b0 b1 meets broker-b again and again; each time the retry went to broker-a.
    expect(failedOn.length).toBeGreaterThanOrEqual(3);
    expect(new Set(failedOn)).toEqual(new Set(['broker-b']));
  });

  it('never moves an ordered send to another queue: a sharding key on the dead broker fails', async () => {
    const { failedOn } = logs.ordered;
    const producer = ordered;
    const queues = await producer.fetchPublishMessageQueues(topic);
    let key = 'k0';
    for (let i = 0; selectQueueByKey(queues, key).brokerName !== 'broker-b'; i++) key = `k${i}`;
    const error = await producer
      .send({ topic, body: Buffer.from('ordered') }, { shardingKey: key })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemotingError);
    expect(error).toBeInstanceOf(RemotingConnectError);
    expect(failedOn).toEqual(['broker-b']);
    let keyOnA = 'a0';
    for (let i = 0; selectQueueByKey(queues, keyOnA).brokerName !== 'broker-a'; i++) keyOnA = `a${i}`;
    const ok = await producer.send({ topic, body: Buffer.from('ordered') }, { shardingKey: keyOnA });
    expect(ok.messageQueue).toEqual(selectQueueByKey(queues, keyOnA));
  });

  it('with latency fault avoidance, stops trying the dead broker after its first failure', async () => {
    const { failedOn } = logs.avoiding;
    const producer = avoiding;
    for (let i = 0; i < 12; i++) {
      const result = await producer.send({ topic, body: Buffer.from(`avoid${i}`) });
      expect(result.messageQueue.brokerName).toBe('broker-a');
    }
    expect(failedOn).toEqual(['broker-b']);
  });

  it('sends to an explicit queue once and reports the failure of that one attempt', async () => {
    const { failedOn } = logs.pinned;
    const producer = pinned;
    const onB = (await producer.fetchPublishMessageQueues(topic)).find((q) => q.brokerName === 'broker-b')!;
    await expect(producer.send({ topic, body: Buffer.from('x') }, { queue: onB })).rejects.toBeInstanceOf(
      RemotingConnectError,
    );
    // An explicit queue is one attempt.
    expect(failedOn).toEqual(['broker-b']);
  });
});
