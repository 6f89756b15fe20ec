/**
 * NATS JetStream through nats.js: a file-storage stream with default (periodic) syncing, js.publish awaiting
 * each PubAck, and a durable pull consumer with explicit ack, consumed with `consume()` and one ack per message.
 */
import {
  AckPolicy,
  connect,
  StorageType,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
} from 'nats';
import type { MessagingAdapter } from '../../harness/messaging-adapter.js';
import { readStamp, stampedPayload, type Stamp } from '../../harness/payload-stamp.js';
import type { PeerEndpoint } from '../../peers/peer-server.js';

export interface JetstreamAdapterOptions {
  readonly stream: string;
  readonly subject: string;
  /** Pull batch and max_ack_pending: JetStream's counterpart of a prefetch window. */
  readonly maxAckPending: number;
  readonly payloadBytes: number;
}

const DURABLE = 'bench';

class JetstreamAdapter implements MessagingAdapter {
  private messages: ConsumerMessages | null = null;
  private loop: Promise<void> | null = null;
  private onMessage: ((stamp: Stamp) => void) | null = null;

  constructor(
    readonly serverPids: readonly number[],
    private readonly options: JetstreamAdapterOptions,
    private readonly producer: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly consumer: NatsConnection,
  ) {}

  async send(stamp: Stamp): Promise<void> {
    await this.js.publish(this.options.subject, stampedPayload(stamp, this.options.payloadBytes));
  }

  async startConsumer(onMessage: (stamp: Stamp) => void): Promise<void> {
    this.onMessage = onMessage;
    const consumer = await this.consumer.jetstream().consumers.get(this.options.stream, DURABLE);
    const messages = await consumer.consume({ max_messages: this.options.maxAckPending });
    this.messages = messages;
    this.loop = (async () => {
      for await (const m of messages) {
        m.ack();
        const stamp = readStamp(m.data);
        if (stamp !== null) this.onMessage?.(stamp);
      }
    })();
  }

  async stopConsumer(): Promise<void> {
    this.onMessage = null;
    const messages = this.messages;
    const loop = this.loop;
    this.messages = null;
    this.loop = null;
    if (messages !== null) await messages.close();
    if (loop !== null) await loop;
  }

  async purge(): Promise<void> {
    await this.jsm.streams.purge(this.options.stream);
  }

  async close(): Promise<void> {
    try {
      await this.jsm.streams.delete(this.options.stream);
    } finally {
      await Promise.allSettled([this.consumer.close(), this.producer.close()]);
    }
  }
}

export async function connectJetstream(
  endpoint: PeerEndpoint,
  options: JetstreamAdapterOptions,
): Promise<MessagingAdapter> {
  const producer = await connect({ servers: endpoint.url });
  let consumer: NatsConnection | null = null;
  try {
    consumer = await connect({ servers: endpoint.url });
    const jsm = await producer.jetstreamManager();
    // A stream left by an aborted run is replaced, so every contender starts empty.
    if ((await jsm.streams.names().next()).includes(options.stream)) await jsm.streams.delete(options.stream);
    await jsm.streams.add({ name: options.stream, subjects: [options.subject], storage: StorageType.File });
    await jsm.consumers.add(options.stream, {
      durable_name: DURABLE,
      ack_policy: AckPolicy.Explicit,
      max_ack_pending: options.maxAckPending,
    });
    return new JetstreamAdapter(endpoint.pids, options, producer, producer.jetstream(), jsm, consumer);
  } catch (error) {
    await Promise.allSettled([consumer?.close(), producer.close()]);
    throw error;
  }
}
