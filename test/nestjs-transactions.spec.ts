/**
 * `@TransactionalMessage` methods against a real broker: a resolved method commits the half message, a
 * thrown one rolls it back (and rethrows), RocketMQTransactionUnknownError leaves it to the broker's
 * check-back, which `@TransactionCheck` answers.
 */
import 'reflect-metadata';
import { Controller, Injectable, Module } from '@nestjs/common';
import type { INestMicroservice } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { MessageExt } from '@rocketnest/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RocketMQContext,
  RocketMQModule,
  RocketMQTransactionUnknownError,
  ServerRocketMQ,
  Topic,
  TransactionCheck,
  TransactionalMessage,
} from '@rocketnest/nestjs';
import { TestBroker, startTestBroker, uniq, waitFor } from './support/broker.js';
import { FAST_CONSUMER, createTopics } from './nestjs-support.js';

const topic = uniq('orders');

interface NewOrder {
  id: string;
  outcome?: 'fail' | 'unknown';
  /** With 'unknown': whether the local write happened (the check-back finds it). */
  written?: boolean;
}

/** Stands in for the service's database. */
@Injectable()
class OrderTable {
  readonly rows = new Set<string>();
}

@Injectable()
class OrderService {
  readonly checks: Array<{ id: string; transactionId: string | undefined }> = [];

  constructor(private readonly table: OrderTable) {}

  @TransactionalMessage({ topic, tag: 'created', keys: (order) => (order as NewOrder).id })
  async create(order: NewOrder): Promise<string> {
    if (order.outcome === 'fail') throw new Error('insert failed');
    if (order.outcome === 'unknown') {
      if (order.written === true) this.table.rows.add(order.id);
      throw new RocketMQTransactionUnknownError('commit not confirmed');
    }
    this.table.rows.add(order.id);
    return order.id;
  }

  @TransactionCheck(topic)
  check(order: NewOrder, message: MessageExt): 'commit' | 'rollback' {
    this.checks.push({ id: order.id, transactionId: message.properties['__transactionId__'] });
    return this.table.rows.has(order.id) ? 'commit' : 'rollback';
  }
}

const delivered: Array<{ id: string; keys: string[]; tag?: string }> = [];

@Controller()
class OrderEvents {
  @Topic(topic)
  onCreated(@Payload() order: NewOrder, @Ctx() ctx: RocketMQContext): void {
    delivered.push({ id: order.id, keys: ctx.getKeys(), tag: ctx.getTag() });
  }
}

const ids = (): string[] => delivered.map((d) => d.id);

let broker: TestBroker;
let service: INestMicroservice;
let orders: OrderService;

beforeAll(async () => {
  broker = await startTestBroker({ broker: { transactionCheckIntervalMs: 300, transactionTimeoutMs: 500 } });
  await createTopics(broker.namesrvAddr, [topic]);
  @Module({
    imports: [RocketMQModule.forRoot({ namesrvAddr: broker.namesrvAddr, producerGroup: uniq('order_pg') })],
    controllers: [OrderEvents],
    providers: [OrderTable, OrderService],
  })
  class OrderModule {}
  const moduleRef = await Test.createTestingModule({ imports: [OrderModule] }).compile();
  service = moduleRef.createNestMicroservice({
    strategy: new ServerRocketMQ({
      namesrvAddr: broker.namesrvAddr,
      group: uniq('order_events'),
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      consumer: FAST_CONSUMER,
    }),
    logger: false,
  });
  await service.listen();
  orders = service.get(OrderService);
}, 60_000);

afterAll(async () => {
  await service?.close();
  await broker?.close();
}, 30_000);

describe('@TransactionalMessage', () => {
  it('commits when the method resolves: the message is delivered with its keys', async () => {
    expect(await orders.create({ id: 'c1' })).toBe('c1');
    await waitFor(() => ids().includes('c1'));
    expect(delivered.find((d) => d.id === 'c1')).toEqual({ id: 'c1', keys: ['c1'], tag: 'created' });
  });

  it('rolls back and rethrows when the method throws: the message is never delivered', async () => {
    await expect(orders.create({ id: 'r1', outcome: 'fail' })).rejects.toThrow('insert failed');
    expect(await orders.create({ id: 'c2' })).toBe('c2');
    await waitFor(() => ids().includes('c2'));
    expect(ids()).not.toContain('r1');
    expect(orders.checks.map((c) => c.id)).not.toContain('r1');
  });

  it('leaves an unknown outcome to the check-back, which commits when the write is there', async () => {
    await expect(orders.create({ id: 'u1', outcome: 'unknown', written: true })).rejects.toBeInstanceOf(
      RocketMQTransactionUnknownError,
    );
    await waitFor(() => ids().includes('u1'), 15_000);
    expect(orders.checks.map((c) => c.id)).toContain('u1');
  }, 20_000);

  it('rolls back an unknown outcome when the check-back finds no write', async () => {
    await expect(orders.create({ id: 'u2', outcome: 'unknown', written: false })).rejects.toBeInstanceOf(
      RocketMQTransactionUnknownError,
    );
    await waitFor(() => orders.checks.some((c) => c.id === 'u2'), 15_000);
    expect(await orders.create({ id: 'c3' })).toBe('c3');
    await waitFor(() => ids().includes('c3'));
    expect(ids()).not.toContain('u2');
  }, 20_000);
});
