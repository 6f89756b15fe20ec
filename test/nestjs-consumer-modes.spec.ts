/**
 * Consumer settings carried by handler options: orderly consumption keeps each sharding key's order
 * (failures retried in place), broadcasting delivers to every instance, and `concurrency` bounds the
 * handlers in flight per group.
 */
import 'reflect-metadata';
import { Controller, Inject, Module } from '@nestjs/common';
import type { INestMicroservice } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRocketMQ, RocketMQContext, RocketMQModule, ServerRocketMQ, Topic } from '@rocketnest/nestjs';
import { TestBroker, startTestBroker, uniq, waitFor } from './support/broker.js';
import { FAST_CONSUMER, createTopics } from './nestjs-support.js';

const names = {
  ledger: uniq('ledger'),
  config: uniq('config'),
  configGroup: uniq('config_watchers'),
  jobs: uniq('jobs'),
  jobsGroup: uniq('job_workers'),
  group: uniq('modes_svc'),
};
const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'];
const PER_KEY = 10;
const ledger: Array<{ key: string; seq: number; queueId: number }> = [];
let ledgerFailures = 0;
const configSeen: Array<{ instance: string; version: number }> = [];
let jobsActive = 0;
let jobsMaxActive = 0;
let jobsDone = 0;

@Controller()
class ModesController {
  constructor(@Inject('INSTANCE') private readonly instance: string) {}

  @Topic(names.ledger, { consumeMode: 'orderly' })
  async onEntry(@Payload() entry: { key: string; seq: number }, @Ctx() ctx: RocketMQContext): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 2));
    if (entry.key === 'k1' && entry.seq === 3 && ledgerFailures < 2) {
      ledgerFailures += 1;
      throw new Error('transient failure in the middle of a sequence');
    }
    ledger.push({ key: entry.key, seq: entry.seq, queueId: ctx.getQueue().queueId });
  }

  @Topic(names.config, { group: names.configGroup, messageModel: 'BROADCASTING' })
  onConfig(@Payload() change: { version: number }): void {
    configSeen.push({ instance: this.instance, version: change.version });
  }

  @Topic(names.jobs, { group: names.jobsGroup, concurrency: 2 })
  async onJob(): Promise<void> {
    jobsActive += 1;
    jobsMaxActive = Math.max(jobsMaxActive, jobsActive);
    await new Promise((resolve) => setTimeout(resolve, 30));
    jobsActive -= 1;
    jobsDone += 1;
  }
}

let broker: TestBroker;
let offsetsDir: string;
const services: INestMicroservice[] = [];

async function startService(instance: string): Promise<INestMicroservice> {
  @Module({
    imports: [RocketMQModule.forRoot({ namesrvAddr: broker.namesrvAddr, producerGroup: uniq('pg') })],
    controllers: [ModesController],
    providers: [{ provide: 'INSTANCE', useValue: instance }],
  })
  class ModesModule {}
  const moduleRef = await Test.createTestingModule({ imports: [ModesModule] }).compile();
  const server = new ServerRocketMQ({
    namesrvAddr: broker.namesrvAddr,
    group: names.group,
    instanceName: instance,
    concurrency: 8,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    consumer: { ...FAST_CONSUMER, offsetStoreDir: offsetsDir },
  });
  const service = moduleRef.createNestMicroservice({ strategy: server, logger: false });
  await service.listen();
  services.push(service);
  return service;
}

beforeAll(async () => {
  broker = await startTestBroker();
  offsetsDir = await mkdtemp(path.join(os.tmpdir(), 'rocketnest-offsets-'));
  await createTopics(broker.namesrvAddr, [names.ledger, names.config, names.jobs]);
  await startService('instance_a');
}, 60_000);

afterAll(async () => {
  for (const service of services.splice(0)) await service.close();
  await broker?.close();
  await rm(offsetsDir, { recursive: true, force: true });
}, 30_000);

describe('orderly handler', () => {
  it('keeps per-key order on one queue per key, retrying a failed message in place', async () => {
    const client = services[0]!.get(ClientRocketMQ);
    for (let seq = 0; seq < PER_KEY; seq++) {
      for (const key of KEYS) await lastValueFrom(client.emit({ topic: names.ledger, shardingKey: key }, { key, seq }));
    }
    await waitFor(() => ledger.length === KEYS.length * PER_KEY, 20_000);
    for (const key of KEYS) {
      const entries = ledger.filter((h) => h.key === key);
      expect(entries.map((h) => h.seq)).toEqual([...Array(PER_KEY).keys()]);
      expect(new Set(entries.map((h) => h.queueId)).size).toBe(1);
    }
    expect(ledgerFailures).toBe(2);
    expect(new Set(ledger.map((h) => h.queueId)).size).toBeGreaterThan(1);
  }, 30_000);
});

describe('concurrency', () => {
  it('never runs more handlers of a group at once than its concurrency', async () => {
    const client = services[0]!.get(ClientRocketMQ);
    for (let i = 0; i < 12; i++) await lastValueFrom(client.emit(names.jobs, { i }));
    await waitFor(() => jobsDone === 12);
    expect(jobsMaxActive).toBeLessThanOrEqual(2);
  });
});

describe('broadcasting', () => {
  it('delivers every message to every instance of the group', async () => {
    await startService('instance_b');
    const client = services[0]!.get(ClientRocketMQ);
    await lastValueFrom(client.emit(names.config, { version: 1 }));
    await waitFor(() => new Set(configSeen.filter((c) => c.version === 1).map((c) => c.instance)).size === 2);
    expect(configSeen.filter((c) => c.version === 1)).toHaveLength(2);
  });
});
