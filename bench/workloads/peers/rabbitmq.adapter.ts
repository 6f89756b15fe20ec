/**
 * RabbitMQ through amqplib as its own docs recommend for durability: a durable queue (classic or quorum),
 * persistent messages on a confirm channel, a consumer with a prefetch window and one manual ack per message.
 * Producer and consumer use separate connections, as two services would.
 */
import amqp, { type Channel, type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { MessagingAdapter } from '../../harness/messaging-adapter.js';
import { readStamp, stampedPayload, type Stamp } from '../../harness/payload-stamp.js';
import type { PeerEndpoint } from '../../peers/peer-server.js';

export type RabbitmqQueueType = 'classic' | 'quorum';

export interface RabbitmqAdapterOptions {
  readonly queueType: RabbitmqQueueType;
  readonly queue: string;
  readonly prefetch: number;
  readonly payloadBytes: number;
}

class RabbitmqAdapter implements MessagingAdapter {
  private consumerTag: string | null = null;
  private onMessage: ((stamp: Stamp) => void) | null = null;

  constructor(
    readonly serverPids: readonly number[],
    private readonly options: RabbitmqAdapterOptions,
    private readonly producer: ChannelModel,
    private readonly publish: ConfirmChannel,
    private readonly consumer: ChannelModel,
    private readonly consume: Channel,
  ) {}

  send(stamp: Stamp): Promise<void> {
    return new Promise((resolve, reject) => {
      this.publish.sendToQueue(
        this.options.queue,
        stampedPayload(stamp, this.options.payloadBytes),
        { persistent: true },
        (error: unknown) => (error === null || error === undefined ? resolve() : reject(error)),
      );
    });
  }

  async startConsumer(onMessage: (stamp: Stamp) => void): Promise<void> {
    this.onMessage = onMessage;
    const reply = await this.consume.consume(
      this.options.queue,
      (message) => {
        if (message === null) return;
        this.consume.ack(message);
        const stamp = readStamp(message.content);
        if (stamp !== null) this.onMessage?.(stamp);
      },
      { noAck: false },
    );
    this.consumerTag = reply.consumerTag;
  }

  async stopConsumer(): Promise<void> {
    this.onMessage = null;
    const tag = this.consumerTag;
    this.consumerTag = null;
    if (tag !== null) await this.consume.cancel(tag);
  }

  async purge(): Promise<void> {
    await this.publish.purgeQueue(this.options.queue);
  }

  async close(): Promise<void> {
    try {
      await this.publish.deleteQueue(this.options.queue);
    } finally {
      await Promise.allSettled([this.consumer.close(), this.producer.close()]);
    }
  }
}

export async function connectRabbitmq(
  endpoint: PeerEndpoint,
  options: RabbitmqAdapterOptions,
): Promise<MessagingAdapter> {
  const producer = await amqp.connect(endpoint.url);
  const consumer = await amqp.connect(endpoint.url).catch(async (error: unknown) => {
    await producer.close();
    throw error;
  });
  try {
    const publish = await producer.createConfirmChannel();
    const consume = await consumer.createChannel();
    // A queue left by an aborted run may have the other type: start from a fresh one.
    await publish.deleteQueue(options.queue);
    await publish.assertQueue(options.queue, { durable: true, arguments: { 'x-queue-type': options.queueType } });
    await consume.prefetch(options.prefetch);
    return new RabbitmqAdapter(endpoint.pids, options, producer, publish, consumer, consume);
  } catch (error) {
    await Promise.allSettled([consumer.close(), producer.close()]);
    throw error;
  }
}
