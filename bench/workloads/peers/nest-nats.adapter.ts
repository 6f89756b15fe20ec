/**
 * Nest's built-in NATS transport as a Nest user would use it: core NATS (nothing persisted, no ack), a
 * microservice with an @EventPattern handler and a ClientProxy from ClientsModule whose `emit` resolves once
 * the message is handed to the connection. With no confirm, the harness's window is released on consumption.
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
  EventPattern,
  Payload,
  Transport,
  type ClientProxy,
  type NatsOptions,
} from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import type { MessagingAdapter } from '../../harness/messaging-adapter.js';
import { stampedObject, type Stamp } from '../../harness/payload-stamp.js';
import type { PeerEndpoint } from '../../peers/peer-server.js';
import { BENCH_CLIENT, BENCH_SINK, BenchSink, NestSinkAdapter } from './nest-bench-sink.js';

export const NEST_NATS_PATTERN = 'rocketnest.bench.event';

export interface NestNatsAdapterOptions {
  readonly payloadBytes: number;
}

@Controller()
class NestNatsBenchController {
  constructor(@Inject(BENCH_SINK) private readonly sink: BenchSink) {}

  @EventPattern(NEST_NATS_PATTERN)
  handle(@Payload() data: unknown): void {
    this.sink.deliver(data);
  }
}

@Module({})
class NestNatsConsumerModule {
  static forSink(sink: BenchSink): DynamicModule {
    return {
      module: NestNatsConsumerModule,
      controllers: [NestNatsBenchController],
      providers: [{ provide: BENCH_SINK, useValue: sink }],
    };
  }
}

@Module({})
class NestNatsProducerModule {
  static forServer(options: NatsOptions['options']): DynamicModule {
    return {
      module: NestNatsProducerModule,
      imports: [ClientsModule.register([{ name: BENCH_CLIENT, transport: Transport.NATS, options }])],
    };
  }
}

class NestNatsAdapter extends NestSinkAdapter {
  constructor(
    serverPids: readonly number[],
    private readonly options: NestNatsAdapterOptions,
    sink: BenchSink,
    microservice: INestMicroservice,
    producerApp: INestApplicationContext,
    private readonly client: ClientProxy,
  ) {
    // Core NATS keeps nothing to purge.
    super(serverPids, sink, [producerApp, microservice]);
  }

  async send(stamp: Stamp): Promise<void> {
    await lastValueFrom(this.client.emit(NEST_NATS_PATTERN, stampedObject(stamp, this.options.payloadBytes)), {
      defaultValue: undefined,
    });
  }
}

export async function connectNestNats(
  endpoint: PeerEndpoint,
  options: NestNatsAdapterOptions,
): Promise<MessagingAdapter> {
  const natsOptions: NatsOptions['options'] = { servers: [endpoint.url] };
  const sink = new BenchSink();
  const microservice = await NestFactory.createMicroservice<NatsOptions>(NestNatsConsumerModule.forSink(sink), {
    transport: Transport.NATS,
    options: natsOptions,
    logger: false,
    // Nest's default aborts the whole process on a bootstrap error: here it must fail one contender only.
    abortOnError: false,
  });
  try {
    await microservice.listen();
    const producerApp = await NestFactory.createApplicationContext(NestNatsProducerModule.forServer(natsOptions), {
      logger: false,
      // Nest's default aborts the whole process on a bootstrap error: here it must fail one contender only.
      abortOnError: false,
    });
    try {
      const client = producerApp.get<ClientProxy>(BENCH_CLIENT);
      await client.connect();
      return new NestNatsAdapter(endpoint.pids, options, sink, microservice, producerApp, client);
    } catch (error) {
      await producerApp.close();
      throw error;
    }
  } catch (error) {
    await microservice.close();
    throw error;
  }
}
