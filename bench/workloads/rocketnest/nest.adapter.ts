/**
 * W9, our Nest transport as a Nest user writes it: a microservice with ServerRocketMQ whose `@Topic` handler
 * takes the `@Payload()` (resolve = consumed), and a ClientRocketMQ from ClientsModule whose `emit` resolves
 * on SEND_OK. Payloads are the same stamped objects the Nest RMQ and NATS contenders send, encoded by our
 * default serializer (msgpack). Both run in this process, like the peers' Nest contenders.
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
import { ClientsModule, Payload } from '@nestjs/microservices';
import { Admin } from '@rocketnest/client';
import { ClientRocketMQ, ServerRocketMQ, Topic } from '@rocketnest/nestjs';
import { lastValueFrom } from 'rxjs';
import type { MessagingAdapter } from '../../harness/messaging-adapter.js';
import { stampedObject, type Stamp } from '../../harness/payload-stamp.js';
import { BENCH_CLIENT, BENCH_SINK, BenchSink, NestSinkAdapter } from '../peers/nest-bench-sink.js';

export interface NestRocketnestOptions {
  readonly namesrvAddr: string;
  readonly serverPids: readonly number[];
  /** Topic and group prefix, unique per contender. */
  readonly name: string;
  readonly queueNums: number;
  readonly payloadBytes: number;
  readonly onClose: () => Promise<void>;
}

/** `@Topic` takes the topic at class definition: the bench's topic name is only known at run time. */
function consumerModule(topic: string, sink: BenchSink): DynamicModule {
  @Controller()
  class NestRocketnestBenchController {
    constructor(@Inject(BENCH_SINK) private readonly benchSink: BenchSink) {}

    @Topic(topic)
    handle(@Payload() data: unknown): void {
      this.benchSink.deliver(data);
    }
  }

  @Module({})
  class NestRocketnestConsumerModule {}

  return {
    module: NestRocketnestConsumerModule,
    controllers: [NestRocketnestBenchController],
    providers: [{ provide: BENCH_SINK, useValue: sink }],
  };
}

@Module({})
class NestRocketnestProducerModule {
  static forBroker(namesrvAddr: string, producerGroup: string): DynamicModule {
    return {
      module: NestRocketnestProducerModule,
      imports: [
        ClientsModule.register([
          { name: BENCH_CLIENT, customClass: ClientRocketMQ, options: { namesrvAddr, producerGroup } },
        ]),
      ],
    };
  }
}

class NestRocketnestAdapter extends NestSinkAdapter {
  constructor(
    private readonly options: NestRocketnestOptions,
    sink: BenchSink,
    microservice: INestMicroservice,
    producerApp: INestApplicationContext,
    private readonly client: ClientRocketMQ,
  ) {
    super(options.serverPids, sink, [producerApp, microservice]);
  }

  async send(stamp: Stamp): Promise<void> {
    await lastValueFrom(this.client.emit(this.options.name, stampedObject(stamp, this.options.payloadBytes)));
  }

  protected override afterClose(): Promise<void> {
    return this.options.onClose();
  }
}

export async function connectNestRocketnest(options: NestRocketnestOptions): Promise<MessagingAdapter> {
  const sink = new BenchSink();
  const started: Array<{ close(): Promise<void> }> = [];
  try {
    const admin = new Admin({ namesrvAddr: options.namesrvAddr, instanceName: `${options.name}-admin` });
    await admin.start();
    try {
      await admin.createTopic(options.name, { queueNums: options.queueNums });
    } finally {
      await admin.shutdown();
    }
    const microservice = await NestFactory.createMicroservice(consumerModule(options.name, sink), {
      strategy: new ServerRocketMQ({
        namesrvAddr: options.namesrvAddr,
        group: `${options.name}-consumer`,
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      }),
      logger: false,
      abortOnError: false,
    });
    started.push(microservice);
    await microservice.listen();
    const producerApp = await NestFactory.createApplicationContext(
      NestRocketnestProducerModule.forBroker(options.namesrvAddr, `${options.name}-producer`),
      { logger: false, abortOnError: false },
    );
    started.push(producerApp);
    const client = producerApp.get<ClientRocketMQ>(BENCH_CLIENT);
    await client.connect();
    return new NestRocketnestAdapter(options, sink, microservice, producerApp, client);
  } catch (error) {
    await Promise.allSettled(started.map((s) => s.close()));
    await options.onClose();
    throw error;
  }
}
