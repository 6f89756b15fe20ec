/**
 * ClientRocketMQ: the producer side (NESTJS.md F2, "Client and module"). `emit(pattern, data)` sends and
 * yields the SendResult; `send(pattern, data)` is request-reply and yields the decoded reply (or errors
 * with RocketMQReplyError / a timeout); `sendInTransaction` is the explicit transactional send. The body
 * is the payload itself (no envelope), its encoding named in the `content-type` property.
 */
import { ClientProxy, ReadPacket, WritePacket } from '@nestjs/microservices';
import type { Observable } from 'rxjs';
import {
  LocalTransaction,
  Message,
  MessageExt,
  Producer,
  SendOptions,
  SendResult,
  TransactionChecker,
  TransactionSendOptions,
  TransactionSendResult,
} from '@rocketnest/client';
import { CONTENT_TYPE_PROPERTY, ERROR_PROPERTY } from '../constants.js';
import { RocketMQReplyError } from '../exceptions.js';
import { nestLogger } from '../nest-logger.js';
import { RocketMQEmitPattern, toEmitDestination } from '../pattern.js';
import { encodeBody } from '../serialization/body-codec.js';
import {
  ClientRocketMQOptions,
  ResolvedClientRocketMQOptions,
  resolveClientRocketMQOptions,
} from './client-rocketmq-options.js';

export type RocketMQClientStatus = 'connected' | 'disconnected';

/** A message ready to send, with its routing options. */
export interface OutgoingMessage {
  message: Message;
  options: SendOptions;
}

// Default generics: `ClientsModule` takes `customClass: Type<ClientProxy>`, and a narrower status type
// would not be assignable to it; `status` is narrowed below instead.
export class ClientRocketMQ extends ClientProxy {
  readonly options: ResolvedClientRocketMQOptions;
  readonly producer: Producer;
  private connecting: Promise<void> | null = null;

  constructor(options: ClientRocketMQOptions) {
    super();
    this.options = resolveClientRocketMQOptions(options);
    const {
      producerGroup,
      serializer: _serializer,
      deserializer: _deserializer,
      replyTimeoutMs: _replyTimeoutMs,
      patternToTopic: _patternToTopic,
      ...producerOptions
    } = this.options;
    this.producer = new Producer({
      ...producerOptions,
      group: producerGroup,
      logger: options.logger ?? nestLogger('ClientRocketMQ'),
    });
  }

  /** connected once the producer started, disconnected after close(). */
  override get status(): Observable<RocketMQClientStatus> {
    return super.status as Observable<RocketMQClientStatus>;
  }

  /** Starts the producer once; every send awaits it (Nest calls it before each emit/send). */
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
    const connecting = this.connecting;
    this.connecting = null;
    if (connecting === null) return;
    try {
      await connecting;
    } catch {
      return; // never started: nothing to shut down
    }
    await this.producer.shutdown();
    this._status$.next('disconnected');
  }

  unwrap<T = Producer>(): T {
    return this.producer as T;
  }

  /** Answers broker check-backs of this producer group's unknown transactions. */
  setTransactionChecker(checker: TransactionChecker): void {
    this.producer.setTransactionChecker(checker);
  }

  /** Builds the message for a pattern and payload. */
  toMessage(pattern: unknown, data: unknown): OutgoingMessage {
    const destination = toEmitDestination(pattern, this.options.patternToTopic);
    const encoded = encodeBody(data, this.options.serializer);
    const properties: Record<string, string> = { ...destination.properties };
    if (encoded.contentType !== undefined) properties[CONTENT_TYPE_PROPERTY] = encoded.contentType;
    const tag = destination.tag;
    return {
      message: {
        topic: destination.topic,
        body: encoded.body,
        tags: tag === undefined || tag === '*' || tag === '' ? undefined : tag,
        keys: destination.keys,
        delayTimeLevel: destination.delayLevel === 0 ? undefined : destination.delayLevel,
        properties,
      },
      options: destination.shardingKey === undefined ? {} : { shardingKey: destination.shardingKey },
    };
  }

  /**
   * Sends the half message, runs `local` as the local transaction, then commits (it resolved), rolls back
   * (it threw) or leaves the outcome to the check-back (it threw RocketMQTransactionUnknownError).
   * The result carries the local transaction's value or error; it does not throw them.
   */
  async sendInTransaction<T>(
    pattern: RocketMQEmitPattern | string,
    data: unknown,
    local: LocalTransaction<T>,
    options: Pick<TransactionSendOptions, 'awaitCommit'> = {},
  ): Promise<TransactionSendResult<T>> {
    await this.connect();
    const { message, options: sendOptions } = this.toMessage(pattern, data);
    return this.producer.sendInTransaction(message, local, { ...sendOptions, ...options });
  }

  /** Decodes a received reply (or any message) body the way consumers do. */
  decode(message: MessageExt): unknown {
    return this.options.deserializer.deserialize(message.body, message.properties[CONTENT_TYPE_PROPERTY]);
  }

  protected async dispatchEvent<T = SendResult>(packet: ReadPacket): Promise<T> {
    const { message, options } = this.toMessage(packet.pattern, packet.data);
    return (await this.producer.send(message, options)) as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    let disposed = false;
    const { message, options } = this.toMessage(packet.pattern, packet.data);
    const timeoutMs = (packet.pattern as { timeoutMs?: unknown } | null)?.timeoutMs;
    this.producer
      .request(message, typeof timeoutMs === 'number' ? timeoutMs : this.options.replyTimeoutMs, options)
      .then(
        (reply) => {
          if (disposed) return;
          const error = reply.properties[ERROR_PROPERTY];
          if (error !== undefined) {
            callback({ err: new RocketMQReplyError(parseError(error)) });
            return;
          }
          let response: unknown;
          try {
            response = this.decode(reply);
          } catch (decodeError) {
            callback({ err: decodeError });
            return;
          }
          callback({ response, isDisposed: true });
        },
        (error: unknown) => {
          if (!disposed) callback({ err: error });
        },
      );
    return () => {
      disposed = true;
    };
  }
}

/** The responder's error as it left Nest's exceptions layer (`{ status, message }` or getError()). */
function parseError(text: string): string | object {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : String(parsed);
  } catch {
    return text;
  }
}
