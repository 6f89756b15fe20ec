/**
 * Request-reply over messages (broker-semantics.md 10.6, remoting-protocol.md 2.1.3). The requester marks
 * its message with CORRELATION_ID / REPLY_TO_CLIENT / TTL and waits for PUSH_REPLY_MESSAGE_TO_CLIENT; the
 * responder answers with a message to `<CLUSTER>_REPLY_TOPIC` carrying the same correlation.
 */
import { randomUUID } from 'node:crypto';
import { MessageConst, replyTopic } from '@rocketnest/protocol';
import { MQClientError, SendTimeoutError } from '../errors.js';
import type { ClientInstance } from '../instance/client-instance.js';
import { Message, MessageExt, toMessageExt } from '../message/message.js';

/** The reply to a request message: same correlation, sent to `<CLUSTER>_REPLY_TOPIC`, MSG_TYPE=reply. */
export function createReply(
  request: MessageExt,
  body: Buffer,
  properties: Readonly<Record<string, string>> = {},
): Message {
  const cluster = request.properties[MessageConst.CLUSTER];
  const correlationId = request.properties[MessageConst.CORRELATION_ID];
  const replyTo = request.properties[MessageConst.REPLY_TO_CLIENT];
  if (cluster === undefined || correlationId === undefined || replyTo === undefined) {
    throw new MQClientError('not a request message: CLUSTER, CORRELATION_ID or REPLY_TO_CLIENT is missing');
  }
  const ttl = request.properties[MessageConst.TTL];
  return {
    topic: replyTopic(cluster),
    body,
    properties: {
      ...properties,
      [MessageConst.CORRELATION_ID]: correlationId,
      [MessageConst.REPLY_TO_CLIENT]: replyTo,
      ...(ttl === undefined ? {} : { [MessageConst.TTL]: ttl }),
      [MessageConst.MSG_TYPE]: 'reply',
    },
  };
}

/** True for a message sent by `request()`: it can be answered with createReply. */
export function isRequestMessage(message: MessageExt): boolean {
  return (
    message.properties[MessageConst.CORRELATION_ID] !== undefined &&
    message.properties[MessageConst.REPLY_TO_CLIENT] !== undefined
  );
}

export interface PendingRequest {
  readonly correlationId: string;
  readonly reply: Promise<MessageExt>;
  /** Stops waiting (the send failed, or the producer shuts down). */
  cancel(error: Error): void;
}

/** The requests one producer waits on, registered in the instance's reply table by correlation id. */
export class PendingRequests {
  private readonly pending = new Map<string, PendingRequest>();

  constructor(private readonly instance: ClientInstance) {}

  /** Starts waiting for the reply to a new correlation id, at most `timeoutMs`. */
  open(topic: string, timeoutMs: number): PendingRequest {
    const correlationId = randomUUID();
    let settle!: (error: Error | null, reply?: MessageExt) => void;
    const reply = new Promise<MessageExt>((resolve, reject) => {
      const timer = setTimeout(
        () => settle(new SendTimeoutError(`no reply within ${timeoutMs} ms to a request on ${topic}`)),
        timeoutMs,
      );
      settle = (error, message) => {
        clearTimeout(timer);
        this.instance.replyWaiters.delete(correlationId);
        this.pending.delete(correlationId);
        if (error !== null) reject(error);
        else resolve(message!);
      };
    });
    this.instance.replyWaiters.set(correlationId, (stored) => settle(null, toMessageExt(stored, '')));
    const request: PendingRequest = { correlationId, reply, cancel: (error) => settle(error) };
    this.pending.set(correlationId, request);
    return request;
  }

  cancelAll(error: Error): void {
    for (const request of [...this.pending.values()]) request.cancel(error);
  }
}
