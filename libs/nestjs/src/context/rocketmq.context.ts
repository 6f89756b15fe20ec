import { BaseRpcContext } from '@nestjs/microservices';
import { MessageConst, MessageQueue, RESERVED_PROPERTY_NAMES } from '@rocketnest/protocol';
import type { MessageExt } from '@rocketnest/client';

type RocketMQContextArgs = [message: MessageExt, group: string];

/** What `@Ctx()` injects into RocketMQ handlers. */
export class RocketMQContext extends BaseRpcContext<RocketMQContextArgs> {
  constructor(args: RocketMQContextArgs) {
    super(args);
  }

  /** The raw received message (topic restored for retries, body decompressed). */
  getMessage(): MessageExt {
    return this.args[0];
  }

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

  getReconsumeTimes(): number {
    return this.args[0].reconsumeTimes;
  }

  getQueue(): MessageQueue {
    return this.args[0].queue;
  }

  getQueueOffset(): number {
    return this.args[0].queueOffset;
  }

  getBornTimestamp(): number {
    return this.args[0].bornTimestamp;
  }

  getStoreTimestamp(): number {
    return this.args[0].storeTimestamp;
  }

  getProperty(name: string): string | undefined {
    return this.args[0].properties[name];
  }

  /** User properties only (system ones left out). */
  getUserProperties(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.args[0].properties)) {
      if (!RESERVED_PROPERTY_NAMES.has(name) && name !== 'content-type') out[name] = value;
    }
    return out;
  }

  /** Whether this message is a request that expects a reply (request-reply). */
  isRequest(): boolean {
    return this.args[0].properties[MessageConst.CORRELATION_ID] !== undefined;
  }
}
