import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Broker, NameServer } from '@rocketnest/broker';
import { Admin, Producer } from '@rocketnest/client';
import { uniq, waitFor } from './support/standalone-fixture.js';

describe('Producer with two brokers', () => {
  let dir: string;
  let namesrv: NameServer;
  let a: Broker;
  let b: Broker;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rocketnest-failover-'));
    namesrv = new NameServer({ host: '127.0.0.1', port: 0, kvConfigPath: null });
    await namesrv.start();
    const common = { host: '127.0.0.1', port: 0, namesrvAddr: [namesrv.addr] };
    a = await Broker.start({ ...common, dataDir: path.join(dir, 'a'), brokerName: 'broker-a' });
    b = await Broker.start({ ...common, dataDir: path.join(dir, 'b'), brokerName: 'broker-b' });
  });
  afterAll(async () => {
    await a.shutdown();
    await b.shutdown();
    await namesrv.shutdown();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps sending while one of two brokers is killed', async () => {
    const topic = uniq('ha');
    const admin = new Admin({ namesrvAddr: namesrv.addr });
    await admin.start();
    await admin.createTopic(topic, { queueNums: 2 });
    await admin.shutdown();
    const producer = new Producer({
      group: uniq('pg'),
      namesrvAddr: namesrv.addr,
      instanceName: uniq('p'),
      sendTimeoutMs: 3000,
      pollNameServerIntervalMs: 500,
    });
    await producer.start();
    try {
      await waitFor(async () => {
        const r = await producer.send({ topic, body: Buffer.from('probe') });
        return r.sendStatus === 'SEND_OK';
      });
      const byBroker = new Map<string, number>();
      let failures = 0;
      for (let i = 0; i < 300; i++) {
        // Like kill -9: no unregistration; the producer's cached route still lists broker-b for a while.
        if (i === 100) await b.crashForTesting();
        try {
          const result = await producer.send({ topic, body: Buffer.from(`m${i}`) });
          byBroker.set(result.messageQueue.brokerName, (byBroker.get(result.messageQueue.brokerName) ?? 0) + 1);
        } catch {
          failures += 1;
        }
      }
      expect(failures).toBe(0);
      expect(byBroker.get('broker-a')).toBeGreaterThan(100);
      expect(byBroker.get('broker-b') ?? 0).toBeGreaterThan(0);
    } finally {
      await producer.shutdown();
    }
  }, 60_000);
});
