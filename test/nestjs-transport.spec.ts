import 'reflect-metadata';
import { Controller, Injectable, Module, UsePipes, ValidationPipe, Get } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { INestApplication, INestMicroservice } from '@nestjs/common';
import { IsInt, IsString, Min } from 'class-validator';
import { lastValueFrom } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ClientRocketMQ,
  Idempotent,
  RocketMQContext,
  RocketMQDeadLetterException,
  RocketMQModule,
  ServerRocketMQ,
  Tag,
  Topic,
  deadLetterOnValidationError,
} from '@rocketnest/nestjs';
import { PushConsumer } from '@rocketnest/client';
import { TestBroker, startTestBroker, uniq, waitFor } from './support/broker.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker.close();
});

const seen: Array<{ handler: string; payload: unknown; tag?: string; msgId?: string; reconsume?: number }> = [];
const names = { topic: uniq('order'), group: uniq('svc'), rpc: uniq('rpc') };

class OrderPaid {
  @IsString() orderId!: string;
  @IsInt() @Min(1) amount!: number;
}

@Controller()
class OrderController {
  @Topic(names.topic)
  @Tag('paid')
  onPaid(@Payload() payload: unknown, @Ctx() ctx: RocketMQContext) {
    seen.push({ handler: 'paid', payload, tag: ctx.getTag(), msgId: ctx.getMsgId() });
  }

  @Tag('shipped || completed')
  @Topic(names.topic)
  onLater(@Payload() payload: unknown, @Ctx() ctx: RocketMQContext) {
    seen.push({ handler: 'later', payload, tag: ctx.getTag() });
  }

  @Topic(names.topic)
  onAnything(@Payload() payload: unknown, @Ctx() ctx: RocketMQContext) {
    seen.push({ handler: 'any', payload, tag: ctx.getTag() });
  }

  @EventPattern({ topic: `${names.topic}_flaky` })
  onFlaky(@Payload() payload: { id: string }, @Ctx() ctx: RocketMQContext) {
    seen.push({ handler: 'flaky', payload, reconsume: ctx.getReconsumeTimes() });
    if (ctx.getReconsumeTimes() < 2) throw new Error('not yet');
  }

  @EventPattern({ topic: `${names.topic}_poison` })
  onPoison(@Payload() payload: unknown) {
    seen.push({ handler: 'poison', payload });
    throw new RocketMQDeadLetterException('cannot ever work');
  }

  @Topic(`${names.topic}_validated`)
  @UsePipes(new ValidationPipe({ exceptionFactory: deadLetterOnValidationError }))
  onValidated(@Payload() payload: OrderPaid) {
    seen.push({ handler: 'validated', payload });
  }

  @Topic(`${names.topic}_dedup`)
  @Idempotent({ key: (_message, payload) => (payload as { id: string }).id })
  onDedup(@Payload() payload: { id: string }) {
    seen.push({ handler: 'dedup', payload });
  }

  @MessagePattern({ topic: names.rpc, tag: 'balance' })
  balance(@Payload() payload: { userId: string }) {
    if (payload.userId === 'nobody') throw new Error('unknown user');
    return { userId: payload.userId, points: 42 };
  }

  @Get('health')
  health() {
    return 'ok';
  }
}

@Injectable()
class Emitter {
  constructor(readonly client: ClientRocketMQ) {}
}

describe('Nest transport end to end', () => {
  let app: INestApplication;
  let emitter: Emitter;

  beforeAll(async () => {
    @Module({
      imports: [
        RocketMQModule.forRoot({ namesrvAddr: broker.namesrvAddr, producerGroup: uniq('pg'), replyTimeoutMs: 5000 }),
      ],
      controllers: [OrderController],
      providers: [Emitter],
    })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication();
    app.connectMicroservice({
      strategy: new ServerRocketMQ({
        namesrvAddr: broker.namesrvAddr,
        group: names.group,
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
        consumer: { rebalanceIntervalMs: 1000, brokerSuspendMaxTimeMs: 2000, pullDelayOnErrorMs: 200 },
      }),
    });
    emitter = app.get(Emitter);
    // Topics exist before consumers subscribe (auto-created by a first send).
    for (const topic of [
      names.topic,
      `${names.topic}_flaky`,
      `${names.topic}_poison`,
      `${names.topic}_validated`,
      `${names.topic}_dedup`,
      names.rpc,
    ]) {
      await lastValueFrom(emitter.client.emit({ topic, tag: 'warmup' }, { warmup: true }));
    }
    await app.startAllMicroservices();
    await app.init();
  }, 60_000);

  afterAll(async () => {
    await app.close();
  });

  afterEach(() => {
    seen.length = 0;
  });

  it('routes by topic and tag: exact tag, tag expressions, then *', async () => {
    const result = await lastValueFrom(
      emitter.client.emit({ topic: names.topic, tag: 'paid', keys: ['o-1'] }, { orderId: 'o-1', amount: 3 }),
    );
    expect((result as { sendStatus: string }).sendStatus).toBe('SEND_OK');
    await lastValueFrom(emitter.client.emit({ topic: names.topic, tag: 'completed' }, { orderId: 'o-1' }));
    await lastValueFrom(emitter.client.emit({ topic: names.topic, tag: 'refunded' }, { orderId: 'o-1' }));
    const routed = () => seen.filter((s) => (s.payload as { orderId?: string }).orderId === 'o-1');
    await waitFor(() => routed().length >= 3);
    const byTag = Object.fromEntries(routed().map((s) => [s.tag, s.handler]));
    expect(byTag).toEqual({ paid: 'paid', completed: 'later', refunded: 'any' });
    expect(seen.find((s) => s.tag === 'paid')!.payload).toEqual({ orderId: 'o-1', amount: 3 });
  });

  it('retries a failing handler with the broker back-off until it succeeds', async () => {
    await lastValueFrom(emitter.client.emit({ topic: `${names.topic}_flaky` }, { id: 'f1' }));
    await waitFor(
      () => seen.some((s) => s.handler === 'flaky' && (s.payload as { id?: string }).id === 'f1' && s.reconsume === 2),
      30_000,
    );
    expect(
      seen.filter((s) => s.handler === 'flaky' && (s.payload as { id?: string }).id === 'f1').map((s) => s.reconsume),
    ).toEqual([0, 1, 2]);
  }, 40_000);

  it('sends a RocketMQDeadLetterException straight to the DLQ', async () => {
    await lastValueFrom(emitter.client.emit({ topic: `${names.topic}_poison` }, { id: 'p1' }));
    const dlq: unknown[] = [];
    const reader = new PushConsumer({
      namesrvAddr: broker.namesrvAddr,
      group: uniq('dlq-reader'),
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      instanceName: uniq('d'),
    })
      .subscribe(`%DLQ%${names.group}`)
      .onMessage((m) => {
        dlq.push(emitter.client.decode(m));
      });
    await waitFor(() => seen.some((s) => s.handler === 'poison' && (s.payload as { id?: string }).id === 'p1'));
    await waitFor(() => broker.broker.topicConfigs.get(`%DLQ%${names.group}`) !== undefined);
    await reader.start();
    try {
      await waitFor(() => dlq.some((d) => (d as { id?: string }).id === 'p1'));
      expect(seen.filter((s) => s.handler === 'poison' && (s.payload as { id?: string }).id === 'p1')).toHaveLength(1);
    } finally {
      await reader.shutdown();
    }
  }, 30_000);

  it('ValidationPipe rejects a bad payload before the handler (to the DLQ) and passes a good one', async () => {
    await lastValueFrom(emitter.client.emit({ topic: `${names.topic}_validated` }, { orderId: 'bad', amount: -5 }));
    await lastValueFrom(emitter.client.emit({ topic: `${names.topic}_validated` }, { orderId: 'good', amount: 5 }));
    await waitFor(() => seen.some((s) => s.handler === 'validated'));
    await waitFor(() => broker.broker.store.getMaxOffsetInQueue(`%DLQ%${names.group}`, 0) > 0 || false);
    expect(seen.filter((s) => s.handler === 'validated').map((s) => (s.payload as OrderPaid).orderId)).toEqual([
      'good',
    ]);
  }, 30_000);

  it('runs an @Idempotent handler once per key under redelivery', async () => {
    for (let i = 0; i < 3; i++)
      await lastValueFrom(emitter.client.emit({ topic: `${names.topic}_dedup` }, { id: 'same' }));
    await lastValueFrom(emitter.client.emit({ topic: `${names.topic}_dedup` }, { id: 'other' }));
    await waitFor(() => seen.filter((s) => s.handler === 'dedup').length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(
      seen
        .filter((s) => s.handler === 'dedup')
        .map((s) => (s.payload as { id: string }).id)
        .sort(),
    ).toEqual(['other', 'same']);
  });

  it('answers request-reply through @MessagePattern, errors included', async () => {
    const reply = await lastValueFrom(emitter.client.send({ topic: names.rpc, tag: 'balance' }, { userId: 'u1' }));
    expect(reply).toEqual({ userId: 'u1', points: 42 });
    await expect(
      lastValueFrom(emitter.client.send({ topic: names.rpc, tag: 'balance' }, { userId: 'nobody' })),
    ).rejects.toBeDefined();
  }, 20_000);

  it('serves HTTP in the same hybrid app', async () => {
    const server = app.getHttpServer() as import('node:http').Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as import('node:net').AddressInfo).port;
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    expect(await response.text()).toBe('ok');
  });
});

describe('microservice shutdown', () => {
  it('drains in-flight handlers and loses nothing across a restart', async () => {
    const topic = uniq('drain');
    const group = uniq('drain-group');
    const done: string[] = [];
    @Controller()
    class SlowController {
      @Topic(topic)
      async handle(@Payload() payload: { n: number }) {
        await new Promise((r) => setTimeout(r, 100));
        done.push(String(payload.n));
      }
    }
    @Module({
      imports: [RocketMQModule.forRoot({ namesrvAddr: broker.namesrvAddr, producerGroup: uniq('pg') })],
      controllers: [SlowController],
    })
    class SlowModule {}
    const start = async (): Promise<INestMicroservice> => {
      const moduleRef = await Test.createTestingModule({ imports: [SlowModule] }).compile();
      const ms = moduleRef.createNestMicroservice({
        strategy: new ServerRocketMQ({
          namesrvAddr: broker.namesrvAddr,
          group,
          consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
          concurrency: 4,
          consumer: { brokerSuspendMaxTimeMs: 1000, pullDelayOnErrorMs: 200 },
        }),
      });
      await ms.listen();
      return ms;
    };
    const first = await start();
    const client = first.get(ClientRocketMQ);
    for (let n = 0; n < 30; n++) await lastValueFrom(client.emit(topic, { n }));
    await waitFor(() => done.length >= 5);
    await first.close();
    const afterFirst = done.length;
    const second = await start();
    try {
      await waitFor(() => new Set(done).size === 30, 20_000);
      expect(afterFirst).toBeGreaterThanOrEqual(5);
    } finally {
      await second.close();
    }
  }, 40_000);
});
