/**
 * BullMQ on Redis as its docs suggest for a work queue: `queue.add` (resolves once Redis ran the add script,
 * after the AOF fsync under `appendfsync always`), a Worker with a concurrency, jobs removed on completion.
 * A delivery is counted when the processor runs; BullMQ marks the job completed when it returns.
 */
import { Queue, Worker } from 'bullmq';
import type { MessagingAdapter } from '../../harness/messaging-adapter.js';
import { readStampObject, stampedObject, type Stamp } from '../../harness/payload-stamp.js';
import type { PeerEndpoint } from '../../peers/peer-server.js';
import { RedisFsyncControl, type AppendFsync } from './redis-fsync.js';

export interface BullmqAdapterOptions {
  readonly queue: string;
  readonly concurrency: number;
  readonly appendfsync: AppendFsync;
  readonly payloadBytes: number;
}

const JOB_NAME = 'bench';

class BullmqAdapter implements MessagingAdapter {
  private worker: Worker | null = null;

  constructor(
    readonly serverPids: readonly number[],
    private readonly endpoint: PeerEndpoint,
    private readonly options: BullmqAdapterOptions,
    private readonly queue: Queue,
    private readonly fsync: RedisFsyncControl,
  ) {}

  async send(stamp: Stamp): Promise<void> {
    await this.queue.add(JOB_NAME, stampedObject(stamp, this.options.payloadBytes));
  }

  async startConsumer(onMessage: (stamp: Stamp) => void): Promise<void> {
    const worker = new Worker(
      this.options.queue,
      async (job) => {
        const stamp = readStampObject(job.data);
        if (stamp !== null) onMessage(stamp);
      },
      {
        connection: { host: this.endpoint.host, port: this.endpoint.port, maxRetriesPerRequest: null },
        concurrency: this.options.concurrency,
      },
    );
    this.worker = worker;
    await worker.waitUntilReady();
  }

  async stopConsumer(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker !== null) await worker.close();
  }

  async purge(): Promise<void> {
    await this.fsync.apply(this.options.appendfsync);
    await this.queue.obliterate({ force: true });
  }

  async close(): Promise<void> {
    try {
      await this.queue.obliterate({ force: true });
    } finally {
      await Promise.allSettled([this.queue.close(), this.fsync.close()]);
    }
  }
}

export async function connectBullmq(endpoint: PeerEndpoint, options: BullmqAdapterOptions): Promise<MessagingAdapter> {
  const fsync = await RedisFsyncControl.open(endpoint);
  const queue = new Queue(options.queue, {
    connection: { host: endpoint.host, port: endpoint.port, maxRetriesPerRequest: null },
    defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
  });
  try {
    await queue.waitUntilReady();
    await fsync.apply(options.appendfsync);
    return new BullmqAdapter(endpoint.pids, endpoint, options, queue, fsync);
  } catch (error) {
    await Promise.allSettled([queue.close(), fsync.close()]);
    throw error;
  }
}
