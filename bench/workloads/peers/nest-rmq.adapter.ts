/**
 * Nest's built-in RMQ transport, used as a Nest user would: a microservice whose @EventPattern handler acks
 * by hand (noAck: false) and a ClientProxy registered with ClientsModule whose `emit` resolves on the
 * publisher confirm (amqp-connection-manager's confirm channel), messages persistent, queue durable.
 * Both run in this process; purge and cleanup go through a plain amqplib connection.
 */
import 'reflect-metadata';
import {
  Controller,
  Inject,
  Module,
  type DynamicModule,
  type INestApplicationContext,
  type INestMicroservice,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ClientsModule,
  Ctx,
  EventPattern,
  Payload,
  RmqContext,
  Transport,
  type ClientProxy,
  type RmqOptions,
} from '@nestjs/microservices';
import amqp, { type Channel, type ChannelModel, type Message } from 'amqplib';
import { lastValueFrom } from 'rxjs';
import type { MessagingAdapter } from '../../harness/messaging-adapter.js';
import { stampedObject, type Stamp } from '../../harness/payload-stamp.js';
import type { PeerEndpoint } from '../../peers/peer-server.js';
import { BENCH_CLIENT, BENCH_SINK, BenchSink, NestSinkAdapter } from './nest-bench-sink.js';

export const NEST_RMQ_PATTERN = 'bench.event';

export interface NestRmqAdapterOptions {
  readonly queue: string;
  readonly prefetchCount: number;
  readonly payloadBytes: number;
}

@Controller()
class NestRmqBenchController {
  constructor(@Inject(BENCH_SINK) private readonly sink: BenchSink) {}

  @EventPattern(NEST_RMQ_PATTERN)
  handle(@Payload() data: unknown, @Ctx() context: unknown): void {
    if (!(context instanceof RmqContext)) throw new TypeError('the RMQ handler got no RmqContext');
    (context.getChannelRef() as Channel).ack(context.getMessage() as Message);
    this.sink.deliver(data);
  }
}

@Module({})
class NestRmqConsumerModule {
  static forSink(sink: BenchSink): DynamicModule {
    return {
      module: NestRmqConsumerModule,
      controllers: [NestRmqBenchController],
      providers: [{ provide: BENCH_SINK, useValue: sink }],
    };
  }
}

@Module({})
class NestRmqProducerModule {
  static forQueue(options: RmqOptions['options']): DynamicModule {
    return {
      module: NestRmqProducerModule,
      imports: [ClientsModule.register([{ name: BENCH_CLIENT, transport: Transport.RMQ, options }])],
    };
  }
}

class NestRmqAdapter extends NestSinkAdapter {
  constructor(
    serverPids: readonly number[],
    private readonly options: NestRmqAdapterOptions,
    sink: BenchSink,
    microservice: INestMicroservice,
    producerApp: INestApplicationContext,
    private readonly client: ClientProxy,
    private readonly admin: ChannelModel,
    private readonly adminChannel: Channel,
  ) {
    super(serverPids, sink, [producerApp, microservice]);
  }

  async send(stamp: Stamp): Promise<void> {
    await lastValueFrom(this.client.emit(NEST_RMQ_PATTERN, stampedObject(stamp, this.options.payloadBytes)), {
      defaultValue: undefined,
    });
  }

  override async purge(): Promise<void> {
    await this.adminChannel.purgeQueue(this.options.queue);
  }

  protected override async afterClose(): Promise<void> {
    try {
      await this.adminChannel.deleteQueue(this.options.queue);
    } finally {
      await this.admin.close();
    }
  }
}

export async function connectNestRmq(
  endpoint: PeerEndpoint,
  options: NestRmqAdapterOptions,
): Promise<MessagingAdapter> {
  const admin = await amqp.connect(endpoint.url);
  const started: { close(): Promise<void> }[] = [];
  try {
    const adminChannel = await admin.createChannel();
    await adminChannel.deleteQueue(options.queue);
    const shared = { urls: [endpoint.url], queue: options.queue, queueOptions: { durable: true } };
    // noAck and prefetchCount belong to the consumer: ClientRMQ would apply them to its reply queue too.
    const consumerOptions: RmqOptions['options'] = { ...shared, noAck: false, prefetchCount: options.prefetchCount };
    const producerOptions: RmqOptions['options'] = { ...shared, persistent: true };
    const sink = new BenchSink();
    const microservice = await NestFactory.createMicroservice<RmqOptions>(NestRmqConsumerModule.forSink(sink), {
      transport: Transport.RMQ,
      options: consumerOptions,
      logger: false,
      // Nest's default aborts the whole process on a bootstrap error: here it must fail one contender only.
      abortOnError: false,
    });
    started.push(microservice);
    await microservice.listen();
    const producerApp = await NestFactory.createApplicationContext(NestRmqProducerModule.forQueue(producerOptions), {
      logger: false,
      // Nest's default aborts the whole process on a bootstrap error: here it must fail one contender only.
      abortOnError: false,
    });
    started.push(producerApp);
    const client = producerApp.get<ClientProxy>(BENCH_CLIENT);
    await client.connect();
    return new NestRmqAdapter(endpoint.pids, options, sink, microservice, producerApp, client, admin, adminChannel);
  } catch (error) {
    await Promise.allSettled([...started.map((s) => s.close()), admin.close()]);
    throw error;
  }
}
