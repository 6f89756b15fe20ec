/**
 * The idempotency guard under forced redelivery, with the SQLite store in both modes: the handler's writes
 * and the processed mark commit in one transaction, so a redelivery (after a crash between that commit and
 * the ack, a producer duplicate, a rewound consumer group, a restarted service) never applies an effect
 * twice.
 */
import 'reflect-metadata';
import {
  CallHandler,
  Controller,
  ExecutionContext,
  Injectable,
  Module,
  NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import type { INestMicroservice, Type } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Observable, lastValueFrom, tap } from 'rxjs';
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

interface Payment {
  id: string;
  userId: string;
  points: number;
  crashAfterCommit?: boolean;
}

/**
 * Outside the guard: once the guarded handler has committed, fails the first delivery of a payment marked
 * `crashAfterCommit`, as a process dying before its ack would (the broker redelivers).
 */
@Injectable()
class CrashAfterCommit implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const payment = context.switchToRpc().getData<Payment>();
    const ctx = context.switchToRpc().getContext<RocketMQContext>();
    return next.handle().pipe(
      tap(() => {
        if (payment.crashAfterCommit === true && ctx.getReconsumeTimes() === 0) throw new Error('crash before ack');
      }),
    );
  }
}

let broker: TestBroker;

beforeAll(async () => {
  broker = await startTestBroker();
}, 60_000);

afterAll(async () => {
  await broker?.close();
}, 30_000);

describe.each(['delivery', 'scope'] as const)('@Idempotent with SqlIdempotencyStore (mode %s)', (mode) => {
  const topic = uniq(`payments_${mode}`);
  const businessTopic = uniq(`orders_${mode}`);
  const group = uniq(`points_${mode}`);
  let dir: string;
  let db: Database.Database;
  let store: SqlIdempotencyStore;
  let service: INestMicroservice | undefined;
  let runs = 0;

  const credit = (id: string, userId: string, points: number): void => {
    db.prepare('INSERT INTO ledger (payment_id, user_id, points) VALUES (?, ?, ?)').run(id, userId, points);
  };
  /** 'delivery': the store already holds the transaction; 'scope': the handler opens it. */
  const write = (ctx: RocketMQContext, effect: () => void): void => {
    if (mode === 'scope') ctx.getIdempotencyScope().transaction(effect);
    else effect();
  };

  @Controller()
  class PointsController {
    @Topic(topic)
    @Idempotent()
    @UseInterceptors(CrashAfterCommit)
    async onPayment(@Payload() payment: Payment, @Ctx() ctx: RocketMQContext): Promise<void> {
      runs += 1;
      await Promise.resolve(); // an await before the writes
      write(ctx, () => credit(payment.id, payment.userId, payment.points));
    }

    // Two distinct messages for one business event (a producer that retried on its own): keyed by order id.
    @Topic(businessTopic)
    @Idempotent({ key: (_message, payload) => (payload as { orderId: string }).orderId })
    onOrder(@Payload() order: { orderId: string; points: number }, @Ctx() ctx: RocketMQContext): void {
      runs += 1;
      write(ctx, () => credit(order.orderId, 'orders', order.points));
    }
  }

  function openDatabase(): Database.Database {
    const database = new Database(path.join(dir, 'points.db'));
    database.pragma('journal_mode = WAL');
    database.exec(
      'CREATE TABLE IF NOT EXISTS ledger (payment_id TEXT NOT NULL, user_id TEXT NOT NULL, points INTEGER)',
    );
    return database;
  }

  async function startService(): Promise<INestMicroservice> {
    db = openDatabase();
    store = new SqlIdempotencyStore(db, { mode });
    @Module({
      imports: [
        RocketMQModule.forRoot({ namesrvAddr: broker.namesrvAddr, producerGroup: uniq('pg'), idempotencyStore: store }),
      ],
      controllers: [PointsController as Type<unknown>],
      providers: [CrashAfterCommit],
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
    await createTopics(broker.namesrvAddr, [topic, businessTopic]);
    service = await startService();
  }, 60_000);

  afterAll(async () => {
    if (service !== undefined) await stopService();
    await rm(dir, { recursive: true, force: true });
  }, 30_000);

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
