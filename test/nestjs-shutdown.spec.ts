/**
 * Graceful shutdown: app.close() stops pulling, waits for running handlers (which may still send through
 * the injected client), persists offsets and leaves; a successor in the same group resumes from there and
 * no message is lost.
 */
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRocketMQ, RocketMQModule, RocketMQServerStatus, ServerRocketMQ, Topic } from '@rocketnest/nestjs';
import { TestBroker, startTestBroker, uniq, waitFor } from './support/broker.js';
import { FAST_CONSUMER, createTopics } from './nestjs-support.js';

const topic = uniq('work');
const followUps = uniq('work_done');
const group = uniq('workers');
const TOTAL = 40;

const started: number[] = [];
const done = new Set<number>();
const sendFailures: unknown[] = [];
let active = 0;

@Controller()
class WorkController {
  constructor(private readonly client: ClientRocketMQ) {}

  @Topic(topic)
  async work(@Payload() job: { n: number }): Promise<void> {
    active += 1;
    started.push(job.n);
    try {
      await new Promise((resolve) => setTimeout(resolve, 150));
      // The client must outlive the server's drain: this send happens during close().
      await lastValueFrom(this.client.emit(followUps, { n: job.n })).catch((error: unknown) => {
        sendFailures.push(error);
        throw error;
      });
      done.add(job.n);
    } finally {
      active -= 1;
    }
  }
}

@Module({ controllers: [WorkController] })
class WorkModule {}

let broker: TestBroker;

async function startApp(): Promise<{ app: INestApplication; server: ServerRocketMQ }> {
  @Module({
    imports: [RocketMQModule.forRoot({ namesrvAddr: broker.namesrvAddr, producerGroup: uniq('pg') }), WorkModule],
  })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  const server = new ServerRocketMQ({
    namesrvAddr: broker.namesrvAddr,
    group,
    concurrency: 4,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    // Small local caches: the drain finishes what was pulled, so keep that well under TOTAL.
    consumer: { ...FAST_CONSUMER, pullBatchSize: 2, pullThresholdForQueue: 2 },
  });
  app.connectMicroservice({ strategy: server });
  await app.startAllMicroservices();
  await app.init();
  return { app, server };
}

beforeAll(async () => {
  broker = await startTestBroker();
  await createTopics(broker.namesrvAddr, [topic, followUps]);
}, 60_000);

afterAll(async () => {
  await broker?.close();
}, 30_000);

describe('graceful shutdown', () => {
  it('drains running handlers on close and loses no message across a restart', async () => {
    const first = await startApp();
    const statuses: RocketMQServerStatus[] = [];
    first.server.status.subscribe((status) => statuses.push(status));
    const client = first.app.get(ClientRocketMQ);
    for (let n = 0; n < TOTAL; n++) await lastValueFrom(client.emit(topic, { n }));
    await waitFor(() => done.size >= 5 && active > 0);

    await first.app.close();
    // Nothing was abandoned mid-way: every handler that started has finished, its send included.
    expect(active).toBe(0);
    expect(started.every((n) => done.has(n))).toBe(true);
    expect(sendFailures).toEqual([]);
    expect(statuses.slice(-2)).toEqual(['disconnected', 'closed']);
    const doneByFirst = done.size;

    const second = await startApp();
    try {
      await waitFor(() => done.size === TOTAL, 20_000);
      expect(doneByFirst).toBeLessThan(TOTAL);
      expect(sendFailures).toEqual([]);
    } finally {
      await second.app.close();
    }
  }, 40_000);
});
