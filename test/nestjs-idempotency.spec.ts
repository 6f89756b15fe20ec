/**
 * The idempotency guard under forced redelivery, with the SQLite store: the handler's writes and the
 * processed mark commit in one transaction, so a redelivery (retry after a crash before the ack, a
 * producer duplicate, a rewound consumer group, a restarted service) never applies an effect twice.
 */
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import type { INestMicroservice } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClientRocketMQ,
  Idempotent,
  RocketMQContext,
  RocketMQModule,
  ServerRocketMQ,
  SqlIdempotencyStore,
  Topic,
} from '@rocketnest/nestjs';
import { TestBroker, startTestBroker, uniq, waitFor } from './support/broker.js';
import { FAST_CONSUMER, createTopics, rewindGroup } from './nestjs-support.js';

const topic = uniq('payments');
const businessTopic = uniq('orders');
const group = uniq('points');

interface Payment {
  id: string;
  userId: string;
  points: number;
  crashAfterCommit?: boolean;
}

/** The database of the running service (replaced on restart). */
let db: Database.Database;
let runs = 0;

@Controller()
class PointsController {
  @Topic(topic)
  @Idempotent()
  async onPayment(@Payload() payment: Payment, @Ctx() ctx: RocketMQContext): Promise<void> {
    runs += 1;
    await Promise.resolve(); // async work happens before the transaction
    ctx.getIdempotencyScope().transaction(() => {
      db.prepare('INSERT INTO ledger (payment_id, user_id, points) VALUES (?, ?, ?)').run(
        payment.id,
        payment.userId,
        payment.points,
      );
    });
    // The write is committed; dying here (before the ack) makes the broker redeliver.
    if (payment.crashAfterCommit === true && ctx.getReconsumeTimes() === 0) throw new Error('crash before ack');
  }

  // Two distinct messages for one business event (a producer that retried on its own): keyed by order id.
  @Topic(businessTopic)
  @Idempotent({ key: (_message, payload) => (payload as { orderId: string }).orderId })
  onOrder(@Payload() order: { orderId: string; points: number }, @Ctx() ctx: RocketMQContext): void {
    runs += 1;
    ctx.getIdempotencyScope().transaction(() => {
      db.prepare('INSERT INTO ledger (payment_id, user_id, points) VALUES (?, ?, ?)').run(
        order.orderId,
        'orders',
        order.points,
      );
    });
  }
}

let broker: TestBroker;
let dir: string;
let dbFile: string;
let service: INestMicroservice | undefined;
let store: SqlIdempotencyStore;

function openDatabase(): Database.Database {
  const database = new Database(dbFile);
  database.pragma('journal_mode = WAL');
  database.exec('CREATE TABLE IF NOT EXISTS ledger (payment_id TEXT NOT NULL, user_id TEXT NOT NULL, points INTEGER)');
  return database;
}

async function startService(): Promise<INestMicroservice> {
  db = openDatabase();
  store = new SqlIdempotencyStore(db);
  @Module({
    imports: [
      RocketMQModule.forRoot({ namesrvAddr: broker.namesrvAddr, producerGroup: uniq('pg'), idempotencyStore: store }),
    ],
    controllers: [PointsController],
  })
  class PointsModule {}
  const moduleRef = await Test.createTestingModule({ imports: [PointsModule] }).compile();
  const app = moduleRef.createNestMicroservice({
    strategy: new ServerRocketMQ({
      namesrvAddr: broker.namesrvAddr,
      group,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      persistConsumerOffsetIntervalMs: 500,
      consumer: FAST_CONSUMER,
    }),
    logger: false,
  });
  await app.listen();
  return app;
}

async function stopService(): Promise<void> {
  await service?.close();
  service = undefined;
  db.close();
}

const ledger = (): Array<{ payment_id: string; points: number }> =>
  db.prepare('SELECT payment_id, points FROM ledger ORDER BY payment_id').all() as Array<{
    payment_id: string;
    points: number;
  }>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rocketnest-nest-idem-'));
  dbFile = path.join(dir, 'points.db');
  broker = await startTestBroker();
  await createTopics(broker.namesrvAddr, [topic, businessTopic]);
  service = await startService();
}, 60_000);

afterAll(async () => {
  if (service !== undefined) await stopService();
  await broker?.close();
  await rm(dir, { recursive: true, force: true });
}, 30_000);

describe('@Idempotent with SqlIdempotencyStore', () => {
  it('skips the redelivery of a message whose handler committed and then died before the ack', async () => {
    const client = service!.get(ClientRocketMQ);
    await lastValueFrom(client.emit(topic, { id: 'pay-1', userId: 'u1', points: 10, crashAfterCommit: true }));
    await waitFor(() => store.duplicatesSkipped === 1, 20_000);
    expect(ledger()).toEqual([{ payment_id: 'pay-1', points: 10 }]);
    expect(runs).toBe(1);
  }, 30_000);

  it('applies one business event once even when it arrives as two messages', async () => {
    const client = service!.get(ClientRocketMQ);
    const before = runs;
    await lastValueFrom(client.emit(businessTopic, { orderId: 'order-7', points: 5 }));
    await lastValueFrom(client.emit(businessTopic, { orderId: 'order-7', points: 5 }));
    await waitFor(() => store.duplicatesSkipped === 2);
    expect(ledger().filter((row) => row.payment_id === 'order-7')).toHaveLength(1);
    expect(runs).toBe(before + 1);
  });

  it('keeps every effect exactly once when a restarted service is made to consume everything again', async () => {
    const client = service!.get(ClientRocketMQ);
    for (let i = 0; i < 10; i++)
      await lastValueFrom(client.emit(topic, { id: `bulk-${i}`, userId: `u${i % 3}`, points: i }));
    await waitFor(() => ledger().length === 12);
    const runsBefore = runs;
    const rows = ledger();
    await stopService(); // drains and persists offsets, then the database closes

    service = await startService(); // a new store on the reopened database file
    await rewindGroup(broker.namesrvAddr, group, topic);
    // Every payment so far (11, pay-1 included) is delivered again and recognized from the database.
    await waitFor(() => store.duplicatesSkipped >= 11, 20_000);
    expect(runs).toBe(runsBefore);
    expect(ledger()).toEqual(rows);
    expect(ledger().reduce((sum, row) => sum + row.points, 0)).toBe(10 + 5 + 45);
  }, 40_000);
});
