/** An orderly handler sees each sharding key's messages in send order, failures and retries included. */
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import type { INestMicroservice } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRocketMQ, RocketMQContext, RocketMQModule, ServerRocketMQ, Topic } from '@rocketnest/nestjs';
import { TestBroker, startTestBroker, uniq, waitFor } from './support/broker.js';
import { FAST_CONSUMER, createTopics } from './nestjs-support.js';

const topic = uniq('ledger');
const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'];
const PER_KEY = 10;
const handled: Array<{ key: string; seq: number; queueId: number }> = [];
let failures = 0;

@Controller()
class LedgerController {
  @Topic(topic, { consumeMode: 'orderly' })
  async onEntry(@Payload() entry: { key: string; seq: number }, @Ctx() ctx: RocketMQContext): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (entry.key === 'k1' && entry.seq === 3 && failures < 2) {
      failures += 1;
      throw new Error('transient failure in the middle of a sequence');
    }
    handled.push({ key: entry.key, seq: entry.seq, queueId: ctx.getQueue().queueId });
  }
}

let broker: TestBroker;
let service: INestMicroservice;

beforeAll(async () => {
  broker = await startTestBroker();
  await createTopics(broker.namesrvAddr, [topic]);
  @Module({
    imports: [RocketMQModule.forRoot({ namesrvAddr: broker.namesrvAddr, producerGroup: uniq('pg') })],
    controllers: [LedgerController],
  })
  class LedgerModule {}
  const moduleRef = await Test.createTestingModule({ imports: [LedgerModule] }).compile();
  service = moduleRef.createNestMicroservice({
    strategy: new ServerRocketMQ({
      namesrvAddr: broker.namesrvAddr,
      group: uniq('ledger_svc'),
      concurrency: 8,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      consumer: FAST_CONSUMER,
    }),
    logger: false,
  });
  await service.listen();
}, 60_000);

afterAll(async () => {
  await service?.close();
  await broker?.close();
}, 30_000);

describe('orderly handler', () => {
  it('keeps per-key order on one queue per key, retrying a failed message in place', async () => {
    const client = service.get(ClientRocketMQ);
    for (let seq = 0; seq < PER_KEY; seq++) {
      for (const key of KEYS) await lastValueFrom(client.emit({ topic, shardingKey: key }, { key, seq }));
    }
    await waitFor(() => handled.length === KEYS.length * PER_KEY, 20_000);
    for (const key of KEYS) {
      const entries = handled.filter((h) => h.key === key);
      expect(entries.map((h) => h.seq)).toEqual([...Array(PER_KEY).keys()]);
      expect(new Set(entries.map((h) => h.queueId)).size).toBe(1);
    }
    expect(failures).toBe(2);
    expect(new Set(handled.map((h) => h.queueId)).size).toBeGreaterThan(1);
  }, 30_000);
});
