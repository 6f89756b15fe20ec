/**
 * ClientRocketMQ: the producer side (NESTJS.md F2, "Client and module"). `emit(pattern, data)` sends and
 * yields the SendResult; `send(pattern, data)` is request-reply and yields the decoded reply; explicit
 * transactional sends go through `sendInTransaction`. The body is the payload itself (no envelope), its
 * encoding named in the `content-type` property.
 */
import { ClientProxy, ReadPacket, WritePacket } from '@nestjs/microservices';
import {
  LocalTransaction,
  Message,
  MessageExt,
  Producer,
  SendOptions,
  SendResult,
  TransactionChecker,
  TransactionSendResult,
} from '@rocketnest/client';
import { CONTENT_TYPE_PROPERTY, ERROR_PROPERTY } from '../constants.js';
import { RocketMQReplyError } from '../exceptions.js';
import { nestLogger } from '../nest-logger.js';
import { RocketMQEmitPattern, defaultPatternToTopic } from '../pattern.js';
import {
  BodyDeserializer,
  BodySerializer,
  defaultDeserializer,
  encodeBody,
  resolveSerializer,
} from '../serialization/body-codec.js';
import type { ClientRocketMQOptions } from './client-rocketmq-options.js';

export type RocketMQClientStatus = 'connected' | 'disconnected';

export class ClientRocketMQ extends ClientProxy<Record<never, never>, RocketMQClientStatus> {
  readonly producer: Producer;
  private readonly bodySerializer: BodySerializer;
  private readonly bodyDeserializer: BodyDeserializer;
  private connecting: Promise<void> | null = null;

  constructor(readonly options: ClientRocketMQOptions) {
    super();
    this.producer = new Producer({
      ...options,
      group: options.producerGroup,
      logger: options.logger ?? nestLogger('ClientRocketMQ'),
    });
    this.bodySerializer = resolveSerializer(options.serializer);
    this.bodyDeserializer = options.deserializer ?? defaultDeserializer;
  }

  /** Starts the producer once; every send awaits it. */
  connect(): Promise<void> {
    this.connecting ??= this.producer.start().then(
      () => this._status$.next('connected'),
      (error: unknown) => {
        this.connecting = null;
        throw error;
      },
    );
    return this.connecting;
  }

  async close(): Promise<void> {
    const wasConnected = this.connecting !== null;
    this.connecting = null;
    await this.producer.shutdown();
    if (wasConnected) this._status$.next('disconnected');
  }

  unwrap<T>(): T {
    return this.producer as T;
  }

  /** Answers broker check-backs of this producer group's unknown transactions. */
  setTransactionChecker(checker: TransactionChecker): void {
    this.producer.setTransactionChecker(checker);
  }

  /** Builds the message for a pattern and payload. */
  toMessage(pattern: unknown, data: unknown): { message: Message; options: SendOptions } {
    const destination = this.destination(pattern);
    const encoded = encodeBody(data, this.bodySerializer);
    return {
      message: {
        topic: destination.topic,
        body: encoded.body,
        tags: destination.tag === undefined || destination.tag === '*' ? undefined : destination.tag,
        keys: destination.keys,
        delayTimeLevel: destination.delayLevel,
        properties: { ...destination.properties, [CONTENT_TYPE_PROPERTY]: encoded.contentType },
      },
      options: destination.shardingKey === undefined ? {} : { shardingKey: destination.shardingKey },
    };
  }

  /** Sends the half message, runs `local` as the local transaction, commits or rolls back by its outcome. */
  async sendInTransaction<T>(
    pattern: RocketMQEmitPattern | string,
    data: unknown,
    local: LocalTransaction<T>,
  ): Promise<TransactionSendResult<T>> {
    await this.connect();
    const { message } = this.toMessage(pattern, data);
    return this.producer.sendInTransaction(message, local);
  }

  /** Decodes a received reply (or any message) body the way consumers do. */
  decode(message: MessageExt): unknown {
    return this.bodyDeserializer.deserialize(message.body, message.properties[CONTENT_TYPE_PROPERTY]);
  }

  protected async dispatchEvent<T = SendResult>(packet: ReadPacket): Promise<T> {
    const { message, options } = this.toMessage(packet.pattern, packet.data);
    return (await this.producer.send(message, options)) as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    let disposed = false;
    const { message, options } = this.toMessage(packet.pattern, packet.data);
    this.producer.request(message, this.options.requestTimeoutMs ?? 3000, options).then(
      (reply) => {
        if (disposed) return;
        const error = reply.properties[ERROR_PROPERTY];
        if (error !== undefined) {
          callback({ err: new RocketMQReplyError(safeParse(error) as object) });
          return;
        }
        try {
          callback({ response: this.decode(reply), isDisposed: true });
        } catch (decodeError) {
          callback({ err: decodeError });
        }
      },
      (error: unknown) => {
        if (!disposed) callback({ err: error });
      },
    );
    return () => {
      disposed = true;
    };
  }

  private destination(pattern: unknown): RocketMQEmitPattern {
    if (typeof pattern === 'string') return { topic: (this.options.patternToTopic ?? defaultPatternToTopic)(pattern) };
    if (typeof pattern === 'object' && pattern !== null && typeof (pattern as { topic?: unknown }).topic === 'string') {
      return pattern as RocketMQEmitPattern;
    }
    throw new RocketMQReplyError(
      `a RocketMQ pattern is a topic string or { topic, tag?, keys?, shardingKey?, delayLevel?, properties? }`,
    );
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}
