/**
 * The Nest transport end to end against a real standalone broker: routing by topic and tag, string
 * patterns, Nest's pipes and filters, retries with the broker's back-off, the DLQ, bodies from foreign
 * producers, ClientsModule, status and a hybrid HTTP + microservice app.
 */
import 'reflect-metadata';
import {
  ArgumentsHost,
  Catch,
  Controller,
  Get,
  Inject,
  Injectable,
  Module,
  RpcExceptionFilter,
  UseFilters,
  UsePipes,
  ValidationPipe,
} from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { ClientsModule, Ctx, EventPattern, Payload, Transport } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { IsInt, IsString, Min } from 'class-validator';
import { EMPTY, Observable, lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Producer } from '@rocketnest/client';
import {
  ClientRocketMQ,
  ROCKETMQ_TRANSPORT,
  RocketMQContext,
  RocketMQDeadLetterException,
  RocketMQModule,
  RocketMQServerStatus,
  ServerRocketMQ,
  Tag,
  Topic,
  deadLetterOnValidationError,
  defaultDeserializer,
} from '@rocketnest/nestjs';
import { TestBroker, startTestBroker, uniq, waitFor } from './support/broker.js';
import { FAST_CONSUMER, createTopics, readDeadLetters } from './nestjs-support.js';

interface Seen {
  handler: string;
  payload: unknown;
  tag?: string;
  msgId: string;
  reconsume: number;
  ctx: RocketMQContext;
}

const seen: Seen[] = [];
const record = (handler: string, payload: unknown, ctx: RocketMQContext): void => {
  seen.push({ handler, payload, tag: ctx.getTag(), msgId: ctx.getMsgId(), reconsume: ctx.getReconsumeTimes(), ctx });
};
const of = (handler: string, id?: string): Seen[] =>
  seen.filter((s) => s.handler === handler && (id === undefined || (s.payload as { id?: string })?.id === id));

const base = uniq('nt');
const names = {
  group: uniq('svc'),
  exhaustedGroup: uniq('svc_exhausted'),
  order: `${base}_order`,
  created: `${base}.created`,
  flaky: `${base}_flaky`,
  exhausted: `${base}_exhausted`,
  poison: `${base}_poison`,
  validated: `${base}_validated`,
  filtered: `${base}_filtered`,
  raw: `${base}_raw`,
  kafka: `${base}_kafka`,
};

class OrderPaid {
  @IsString() id!: string;
  @IsInt() @Min(1) amount!: number;
}

/** Swallows the error: the message counts as consumed (no retry). */
@Catch()
class SwallowFilter implements RpcExceptionFilter {
  catch(_error: unknown, _host: ArgumentsHost): Observable<never> {
    return EMPTY;
  }
}

@Controller()
class OrderController {
  @Topic(names.order)
  @Tag('paid')
  onPaid(@Payload() payload: unknown, @Ctx() ctx: RocketMQContext): void {
    record('paid', payload, ctx);
  }

  @Tag('shipped || completed')
  @Topic(names.order)
  onLater(@Payload() payload: unknown, @Ctx() ctx: RocketMQContext): void {
    record('later', payload, ctx);
  }

  @Topic(names.order)
  onAnything(@Payload() payload: unknown, @Ctx() ctx: RocketMQContext): void {
    record('any', payload, ctx);
  }

  // A string pattern written for another transport: the topic is `<base>_created`. (`<string>` picks
  // Nest's untyped overload, so the handler may take a typed context.)
  @EventPattern<string>(names.created)
  onCreated(@Payload() payload: unknown, @Ctx() ctx: RocketMQContext): void {
    record('created', payload, ctx);
  }

  // Bound to Kafka: a RocketMQ server must not serve it.
  @EventPattern({ topic: names.kafka }, Transport.KAFKA)
  onKafka(@Payload() payload: unknown): void {
    seen.push({ handler: 'kafka', payload } as Seen);
  }

  @EventPattern({ topic: names.flaky })
  onFlaky(@Payload() payload: { id: string }, @Ctx() ctx: RocketMQContext): void {
    record('flaky', payload, ctx);
    if (ctx.getReconsumeTimes() < 2) throw new Error('not yet');
  }

  @Topic(names.exhausted, { group: names.exhaustedGroup, maxReconsumeTimes: 2 })
  onExhausted(@Payload() payload: { id: string }, @Ctx() ctx: RocketMQContext): void {
    record('exhausted', payload, ctx);
    throw new Error('always fails');
  }

  @Topic(names.poison)
  onPoison(@Payload() payload: { id: string }, @Ctx() ctx: RocketMQContext): void {
    record('poison', payload, ctx);
    throw new RocketMQDeadLetterException('cannot ever work');
  }

  @Topic(names.validated)
  @UsePipes(new ValidationPipe({ transform: true, exceptionFactory: deadLetterOnValidationError }))
  onValidated(@Payload() payload: OrderPaid, @Ctx() ctx: RocketMQContext): void {
    record('validated', payload, ctx);
  }

  @Topic(names.filtered)
  @UseFilters(new SwallowFilter())
  onFiltered(@Payload() payload: { id: string }, @Ctx() ctx: RocketMQContext): void {
    record('filtered', payload, ctx);
    throw new Error('swallowed by the filter');
  }

  @Topic(names.raw)
  onRaw(@Payload() payload: unknown, @Ctx() ctx: RocketMQContext): void {
    record('raw', payload, ctx);
  }

  @Get('health')
  health(): string {
    return 'ok';
  }
}

@Injectable()
class JsonEmitter {
  constructor(@Inject('JSON_MQ') readonly client: ClientRocketMQ) {}
}

let broker: TestBroker;
let app: INestApplication;
let client: ClientRocketMQ;
let server: ServerRocketMQ;
const statuses: RocketMQServerStatus[] = [];
const deadLetters: Array<{ reason: unknown; topic: string }> = [];

beforeAll(async () => {
  broker = await startTestBroker();
  await createTopics(
    broker.namesrvAddr,
    Object.entries(names)
      .filter(([key]) => !key.endsWith('roup'))
      .map(([key, value]) => (key === 'created' ? value.replace('.', '_') : value)),
  );
  @Module({
    imports: [
      RocketMQModule.forRoot({ namesrvAddr: broker.namesrvAddr, producerGroup: uniq('pg') }),
      ClientsModule.register([
        {
          name: 'JSON_MQ',
          customClass: ClientRocketMQ,
          options: { namesrvAddr: broker.namesrvAddr, producerGroup: uniq('pg_json'), serializer: 'json' },
        },
      ]),
    ],
    controllers: [OrderController],
    providers: [JsonEmitter],
  })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  server = new ServerRocketMQ({
    namesrvAddr: broker.namesrvAddr,
    group: names.group,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    consumer: FAST_CONSUMER,
  });
  server.status.subscribe((status) => statuses.push(status));
  server.on('deadLetter', (reason, ctx) => deadLetters.push({ reason, topic: ctx.getTopic() }));
  app.connectMicroservice({ strategy: server });
  await app.startAllMicroservices();
  await app.init();
  client = app.get(ClientRocketMQ);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await broker?.close();
}, 30_000);

describe('ServerRocketMQ routing', () => {
  it('routes by topic and tag: exact tag, tag expressions, then *', async () => {
    const result = await lastValueFrom(
      client.emit({ topic: names.order, tag: 'paid', keys: ['o-1'] }, { id: 'o-1', amount: 3 }),
    );
    expect(result.sendStatus).toBe('SEND_OK');
    await lastValueFrom(client.emit({ topic: names.order, tag: 'completed' }, { id: 'o-1' }));
    await lastValueFrom(client.emit({ topic: names.order, tag: 'refunded' }, { id: 'o-1' }));
    await lastValueFrom(client.emit({ topic: names.order }, { id: 'o-1' }));
    await waitFor(() => seen.filter((s) => (s.payload as { id?: string }).id === 'o-1').length >= 4);
    const routed = seen.filter((s) => (s.payload as { id?: string }).id === 'o-1');
    expect(routed.map((s) => `${s.tag ?? '-'}:${s.handler}`).sort()).toEqual([
      '-:any',
      'completed:later',
      'paid:paid',
      'refunded:any',
    ]);
    expect(of('paid', 'o-1')[0]!.payload).toEqual({ id: 'o-1', amount: 3 });
  });

  it('hands the handler a context with the message facts', async () => {
    await lastValueFrom(
      client.emit(
        { topic: names.order, tag: 'paid', keys: ['o-2', 'u-9'], properties: { tenant: 'acme' } },
        { id: 'o-2', amount: 1 },
      ),
    );
    await waitFor(() => of('paid', 'o-2').length === 1);
    const ctx = of('paid', 'o-2')[0]!.ctx;
    expect(ctx.getTopic()).toBe(names.order);
    expect(ctx.getKeys()).toEqual(['o-2', 'u-9']);
    expect(ctx.getUserProperties()).toEqual({ tenant: 'acme' });
    expect(ctx.getGroup()).toBe(names.group);
    expect(ctx.getQueue().topic).toBe(names.order);
    expect(ctx.getQueueOffset()).toBeGreaterThanOrEqual(0);
    expect(ctx.getStoreTimestamp()).toBeGreaterThanOrEqual(ctx.getBornTimestamp() - 1000);
    expect(ctx.getMsgId()).toMatch(/^[0-9A-F]{32}$/);
  });

  it('maps string patterns to topics on both sides, as a Kafka app would use them', async () => {
    await lastValueFrom(client.emit(names.created, { id: 'c-1' }));
    await waitFor(() => of('created', 'c-1').length === 1);
    expect(of('created', 'c-1')[0]!.ctx.getTopic()).toBe(names.created.replace('.', '_'));
  });

  it('ignores handlers bound to another transport', () => {
    const routes = [...server.getHandlers().keys()];
    expect(routes).not.toContain(JSON.stringify({ topic: names.kafka }));
    expect(server.transportId).toBe(ROCKETMQ_TRANSPORT);
  });
});

describe('ServerRocketMQ acks', () => {
  it('retries a failing handler with the broker back-off until it succeeds', async () => {
    await lastValueFrom(client.emit({ topic: names.flaky }, { id: 'f1' }));
    await waitFor(() => of('flaky', 'f1').some((s) => s.reconsume === 2), 20_000);
    expect(of('flaky', 'f1').map((s) => s.reconsume)).toEqual([0, 1, 2]);
    expect(new Set(of('flaky', 'f1').map((s) => s.msgId)).size).toBe(1);
  });

  it('sends a message to the DLQ after maxReconsumeTimes retries', async () => {
    await lastValueFrom(client.emit({ topic: names.exhausted }, { id: 'e1' }));
    const dead = await readDeadLetters(broker.namesrvAddr, names.exhaustedGroup, (m) => m.length > 0, 20_000);
    expect(defaultDeserializer.deserialize(dead[0]!.body, dead[0]!.properties['content-type'])).toEqual({ id: 'e1' });
    expect(of('exhausted', 'e1').map((s) => s.reconsume)).toEqual([0, 1, 2]);
    expect(server.getStats()[names.exhaustedGroup]!.deadLettered).toBe(1);
  });

  it('sends a RocketMQDeadLetterException straight to the DLQ, without retries', async () => {
    await lastValueFrom(client.emit({ topic: names.poison }, { id: 'p1' }));
    const dead = await readDeadLetters(broker.namesrvAddr, names.group, (messages) =>
      messages.some((m) => m.topic === names.poison || m.properties['RETRY_TOPIC'] === names.poison),
    );
    expect(dead.length).toBeGreaterThan(0);
    expect(of('poison', 'p1')).toHaveLength(1);
  });

  it('lets ValidationPipe reject a bad payload before the handler (to the DLQ) and pass a good one', async () => {
    await lastValueFrom(client.emit({ topic: names.validated }, { id: 'bad', amount: -5 }));
    await lastValueFrom(client.emit({ topic: names.validated }, { id: 'good', amount: 5 }));
    await waitFor(() => of('validated', 'good').length === 1);
    await waitFor(() => (server.getStats()[names.group]?.deadLettered ?? 0) >= 2);
    expect(of('validated').map((s) => (s.payload as OrderPaid).id)).toEqual(['good']);
    expect(of('validated')[0]!.payload).toBeInstanceOf(OrderPaid);
  });

  it('consumes a message whose error an exception filter swallowed', async () => {
    const before = server.getStats()[names.group]!.failed;
    await lastValueFrom(client.emit({ topic: names.filtered }, { id: 'x1' }));
    await waitFor(() => of('filtered', 'x1').length === 1);
    await lastValueFrom(client.emit({ topic: names.filtered }, { id: 'x2' }));
    await waitFor(() => of('filtered', 'x2').length === 1);
    expect(server.getStats()[names.group]!.failed).toBe(before);
    expect(of('filtered', 'x1')).toHaveLength(1);
  });
});

describe('bodies', () => {
  it('decodes JSON from a ClientsModule client (customClass) and passes Buffers through', async () => {
    const json = app.get(JsonEmitter).client;
    await lastValueFrom(json.emit({ topic: names.raw, tag: 'json' }, { id: 'j1', n: 1 }));
    await lastValueFrom(client.emit({ topic: names.raw, tag: 'bytes' }, Buffer.from([0xff, 0x00])));
    await waitFor(() => seen.filter((s) => s.handler === 'raw').length >= 2);
    const byTag = Object.fromEntries(of('raw').map((s) => [s.tag, s]));
    expect(byTag['json']!.payload).toEqual({ id: 'j1', n: 1 });
    expect(byTag['json']!.ctx.getProperty('content-type')).toBe('application/json');
    expect(byTag['bytes']!.payload).toEqual(Buffer.from([0xff, 0x00]));
  });

  it('reads messages from foreign producers without content type as JSON, else text', async () => {
    const foreign = new Producer({ namesrvAddr: broker.namesrvAddr, group: uniq('foreign') });
    await foreign.start();
    try {
      await foreign.send({ topic: names.raw, tags: 'foreign-json', body: Buffer.from('{"id":"f-1"}') });
      await foreign.send({ topic: names.raw, tags: 'foreign-text', body: Buffer.from('plain words') });
    } finally {
      await foreign.shutdown();
    }
    await waitFor(() => of('raw').filter((s) => s.tag?.startsWith('foreign')).length >= 2);
    const byTag = Object.fromEntries(of('raw').map((s) => [s.tag, s.payload]));
    expect(byTag['foreign-json']).toEqual({ id: 'f-1' });
    expect(byTag['foreign-text']).toBe('plain words');
  });

  it('dead-letters a body that contradicts its content type instead of retrying it', async () => {
    const foreign = new Producer({ namesrvAddr: broker.namesrvAddr, group: uniq('foreign') });
    await foreign.start();
    try {
      await foreign.send({
        topic: names.raw,
        tags: 'broken',
        body: Buffer.from('{"unterminated'),
        properties: { 'content-type': 'application/json' },
      });
    } finally {
      await foreign.shutdown();
    }
    await waitFor(() => deadLetters.some((d) => d.topic === names.raw));
    expect(of('raw').some((s) => s.tag === 'broken')).toBe(false);
  });
});

describe('hybrid application', () => {
  it('serves HTTP next to the microservice and reports the server status', async () => {
    const http = app.getHttpServer() as import('node:http').Server;
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as import('node:net').AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    expect(await response.text()).toBe('ok');
    expect(statuses).toContain('connected');
    const handles = server.unwrap<{ consumers: Array<{ group: string }> }>();
    expect(handles.consumers.map((c) => c.group).sort()).toEqual([names.exhaustedGroup, names.group].sort());
  });
});
