import { BaseRpcContext } from '@nestjs/microservices';
import { MessageConst, MessageQueue, RESERVED_PROPERTY_NAMES } from '@rocketnest/protocol';
import type { MessageExt } from '@rocketnest/client';
import { CONTENT_TYPE_PROPERTY, ERROR_PROPERTY } from '../constants.js';
import { RocketMQConfigurationError } from '../exceptions.js';
import { idempotencyScopes } from '../idempotency/idempotency-scopes.js';
import type { IdempotencyScope } from '../idempotency/idempotency-store.js';

type RocketMQContextArgs = [message: MessageExt, group: string];

/** What `@Ctx()` injects into RocketMQ handlers (NESTJS.md F3: args = [message, group]). */
export class RocketMQContext extends BaseRpcContext<RocketMQContextArgs> {
  constructor(args: RocketMQContextArgs) {
    super(args);
  }

  /** The raw received message (business topic restored on retries, body decompressed). */
  getMessage(): MessageExt {
    return this.args[0];
  }

  /** The consumer group this delivery belongs to. */
  getGroup(): string {
    return this.args[1];
  }

  getTopic(): string {
    return this.args[0].topic;
  }

  getTag(): string | undefined {
    return this.args[0].tags;
  }

  getKeys(): string[] {
    return this.args[0].keys;
  }

  /** The client unique id (UNIQ_KEY): stable across retries, the natural deduplication key. */
  getMsgId(): string {
    return this.args[0].msgId;
  }

  /** The broker's id of this stored copy (a retry is a new copy). */
  getOffsetMsgId(): string {
    return this.args[0].offsetMsgId;
  }

  /** 0 on the first delivery, n on the n-th retry. */
  getReconsumeTimes(): number {
    return this.args[0].reconsumeTimes;
  }

  /** The queue it was pulled from (`%RETRY%<group>` for retries). */
  getQueue(): MessageQueue {
    return this.args[0].queue;
  }

  getQueueOffset(): number {
    return this.args[0].queueOffset;
  }

  getBornTimestamp(): number {
    return this.args[0].bornTimestamp;
  }

  getBornHost(): string {
    return this.args[0].bornHost;
  }

  getStoreTimestamp(): number {
    return this.args[0].storeTimestamp;
  }

  /** Any property, system ones included. */
  getProperty(name: string): string | undefined {
    return this.args[0].properties[name];
  }

  /** User properties only (system ones and our content-type left out). */
  getUserProperties(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.args[0].properties)) {
      if (!RESERVED_PROPERTY_NAMES.has(name) && name !== CONTENT_TYPE_PROPERTY && name !== ERROR_PROPERTY)
        out[name] = value;
    }
    return out;
  }

  /** Whether this message is a request that expects a reply (request-reply). */
  isRequest(): boolean {
    return this.args[0].properties[MessageConst.CORRELATION_ID] !== undefined;
  }

  /**
   * In an `@Idempotent()` handler: the delivery's scope, whose `transaction(work)` commits the handler's
   * writes and the processed mark together (see SqlIdempotencyStore).
   */
  getIdempotencyScope(): IdempotencyScope {
    const scope = idempotencyScopes.get(this);
    if (scope === undefined)
      throw new RocketMQConfigurationError('getIdempotencyScope() is only available in an @Idempotent() handler');
    return scope;
  }
}
