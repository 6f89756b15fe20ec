/**
 * BullMQ as a Nest user would use it with @nestjs/bullmq: BullModule.forRoot + registerQueue, the Queue
 * injected by its token for `add`, and a @Processor class extending WorkerHost with a concurrency. The
 * processor runs from module init; between rounds its deliveries are dropped.
 */
import 'reflect-metadata';
import { Inject, Module, type DynamicModule, type INestApplicationContext, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BullModule, getQueueToken, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import type { MessagingAdapter } from '../../harness/messaging-adapter.js';
import { stampedObject, type Stamp } from '../../harness/payload-stamp.js';
import type { PeerEndpoint } from '../../peers/peer-server.js';
import { BENCH_SINK, BenchSink } from './nest-bench-sink.js';
import { RedisFsyncControl, type AppendFsync } from './redis-fsync.js';

export interface NestBullmqAdapterOptions {
  readonly queue: string;
  readonly concurrency: number;
  readonly appendfsync: AppendFsync;
  readonly payloadBytes: number;
}

/** @Processor takes the queue name at decoration time: one class per contender's queue. */
function processorFor(queue: string, concurrency: number): Type<WorkerHost> {
  @Processor(queue, { concurrency })
  class BenchProcessor extends WorkerHost {
    constructor(@Inject(BENCH_SINK) private readonly sink: BenchSink) {
      super();
    }

    async process(job: Job): Promise<void> {
      this.sink.deliver(job.data);
    }
  }
  return BenchProcessor;
}

@Module({})
class NestBullmqModule {
  static forQueue(endpoint: PeerEndpoint, options: NestBullmqAdapterOptions, sink: BenchSink): DynamicModule {
    return {
      module: NestBullmqModule,
      imports: [
        BullModule.forRoot({
          connection: { host: endpoint.host, port: endpoint.port, maxRetriesPerRequest: null },
          defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
        }),
        BullModule.registerQueue({ name: options.queue }),
      ],
      providers: [{ provide: BENCH_SINK, useValue: sink }, processorFor(options.queue, options.concurrency)],
    };
  }
}

class NestBullmqAdapter implements MessagingAdapter {
  constructor(
    readonly serverPids: readonly number[],
    private readonly options: NestBullmqAdapterOptions,
    private readonly sink: BenchSink,
    private readonly app: INestApplicationContext,
    private readonly queue: Queue,
    private readonly fsync: RedisFsyncControl,
  ) {}

  async send(stamp: Stamp): Promise<void> {
    await this.queue.add('bench', stampedObject(stamp, this.options.payloadBytes));
  }

  async startConsumer(onMessage: (stamp: Stamp) => void): Promise<void> {
    this.sink.handler = onMessage;
  }

  async stopConsumer(): Promise<void> {
    this.sink.handler = null;
  }

  async purge(): Promise<void> {
    await this.fsync.apply(this.options.appendfsync);
  }

  async close(): Promise<void> {
    this.sink.handler = null;
    try {
      await this.queue.obliterate({ force: true });
    } finally {
      await Promise.allSettled([this.app.close(), this.fsync.close()]);
    }
  }
}

export async function connectNestBullmq(
  endpoint: PeerEndpoint,
  options: NestBullmqAdapterOptions,
): Promise<MessagingAdapter> {
  const fsync = await RedisFsyncControl.open(endpoint);
  const sink = new BenchSink();
  try {
    await fsync.apply(options.appendfsync);
    const app = await NestFactory.createApplicationContext(NestBullmqModule.forQueue(endpoint, options, sink), {
      logger: false,
      // Nest's default aborts the whole process on a bootstrap error: here it must fail one contender only.
      abortOnError: false,
    });
    const queue = app.get<Queue>(getQueueToken(options.queue));
    return new NestBullmqAdapter(endpoint.pids, options, sink, app, queue, fsync);
  } catch (error) {
    await fsync.close();
    throw error;
  }
}
