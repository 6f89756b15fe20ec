/**
 * What the demo asks the broker directly, as an operator would with mqadmin: a consumer group's backlog
 * (GET_CONSUME_STATS: messages stored but not yet consumed), the messages stored under a business key, and
 * an independent orderly consumer that records what a subscriber of topic `order` sees.
 */
import { Admin, MessageExt, PushConsumer } from '@rocketnest/client';

export interface ObservedEvent {
  tag: string;
  orderId: string;
  version: number;
  queueId: number;
}

export class BrokerProbe {
  private readonly admin: Admin;
  private started = false;

  constructor(readonly namesrvAddr: string) {
    this.admin = new Admin({ namesrvAddr, instanceName: `demo-admin-${process.pid}` });
  }

  async start(): Promise<void> {
    if (this.started) return;
    await this.admin.start();
    this.started = true;
  }

  async shutdown(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.admin.shutdown();
  }

  /** Messages of `topic` stored but not yet consumed by `group`, summed over its queues. */
  async lag(group: string, topic: string): Promise<number> {
    const progress = await this.admin.consumerProgress(group, topic);
    return progress.reduce((sum, queue) => sum + queue.lag, 0);
  }

  /** Messages of `topic` whose keys include `key` (the broker's index). */
  async messagesByKey(topic: string, key: string): Promise<MessageExt[]> {
    return this.admin.queryMessageByKey(topic, key);
  }

  /** Starts an orderly consumer of every tag of `topic` that records each event it receives. */
  async observe(topic: string, group: string, fromTimestamp: number): Promise<OrderObserver> {
    const observer = new OrderObserver(this.namesrvAddr, topic, group, fromTimestamp);
    await observer.start();
    return observer;
  }
}

/** Records, per order id, the events a subscriber receives, in the order it receives them. */
export class OrderObserver {
  readonly events = new Map<string, ObservedEvent[]>();
  private readonly consumer: PushConsumer;
  received = 0;

  constructor(
    namesrvAddr: string,
    readonly topic: string,
    group: string,
    fromTimestamp: number,
  ) {
    this.consumer = new PushConsumer({
      namesrvAddr,
      group,
      instanceName: `${group}-${process.pid}`,
      consumeMode: 'orderly',
      consumeFromWhere: 'CONSUME_FROM_TIMESTAMP',
      consumeTimestamp: fromTimestamp,
      rebalanceIntervalMs: 2000,
      brokerSuspendMaxTimeMs: 5000,
    })
      .subscribe(topic, '*')
      .onMessage((message) => this.record(message));
  }

  async start(): Promise<void> {
    await this.consumer.start();
  }

  /** Queues of the observed topic assigned (and locked) to this observer. */
  get queues(): number {
    return this.consumer.assignedQueues().filter((queue) => queue.topic === this.topic).length;
  }

  async shutdown(): Promise<void> {
    await this.consumer.shutdown();
  }

  private record(message: MessageExt): void {
    let body: { orderId?: unknown; version?: unknown };
    try {
      body = JSON.parse(message.body.toString('utf8')) as typeof body;
    } catch {
      return;
    }
    if (typeof body.orderId !== 'string') return;
    const list = this.events.get(body.orderId) ?? [];
    list.push({
      tag: message.tags ?? '',
      orderId: body.orderId,
      version: typeof body.version === 'number' ? body.version : -1,
      queueId: message.queue.queueId,
    });
    this.events.set(body.orderId, list);
    this.received += 1;
  }
}
