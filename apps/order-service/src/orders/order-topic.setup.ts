/**
 * Bootstrap of the messaging side, before the HTTP port opens:
 * 1. the `order` topic exists with its queues (consumers can subscribe before the first order);
 * 2. the producer group is registered and the broker has heard from it, so a check-back for a half message
 *    left open by a previous run of this service (crash between the half message and the commit) finds a
 *    live producer at once, without waiting for the first send.
 */
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Admin, ClientInstance } from '@rocketnest/client';
import { ClientRocketMQ } from '@rocketnest/nestjs';
import { ORDER_SERVICE_OPTIONS } from '../order-service-options.js';
import type { ResolvedOrderServiceOptions } from '../order-service-options.js';
import { ORDER_TOPIC } from './order.js';

/** How long startup waits for the broker to be known to the NameServer. */
const BROKER_WAIT_MS = 30_000;

@Injectable()
export class OrderTopicSetup implements OnApplicationBootstrap {
  private readonly logger = new Logger('OrderTopicSetup');

  constructor(
    @Inject(ORDER_SERVICE_OPTIONS) private readonly options: ResolvedOrderServiceOptions,
    private readonly client: ClientRocketMQ,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = new Admin({
      namesrvAddr: this.options.namesrvAddr,
      instanceName: `order-service-admin-${process.pid}`,
    });
    await admin.start();
    try {
      await retry('create topic order', () =>
        admin.createTopic(ORDER_TOPIC, { queueNums: this.options.topicQueueNums }),
      );
    } finally {
      await admin.shutdown();
    }
    await this.client.connect();
    // The producer's own client instance: looking the route up makes it heartbeat the broker right away.
    const instance = ClientInstance.acquire(this.client.producer.options);
    try {
      await retry('route of topic order', async () => {
        const info = await instance.updateTopicRoute(ORDER_TOPIC);
        if (info === undefined || info.queueDatas.length === 0) throw new Error('no route yet');
      });
      await instance.sendHeartbeatToAllBrokers();
    } finally {
      await instance.release();
    }
    this.logger.log(
      `topic ${ORDER_TOPIC} ready (${this.options.topicQueueNums} queue${this.options.topicQueueNums === 1 ? '' : 's'}); producer group ${this.options.producerGroup} registered`,
    );
  }
}

async function retry(what: string, attempt: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + BROKER_WAIT_MS;
  for (;;) {
    try {
      await attempt();
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`${what}: broker not reachable within ${BROKER_WAIT_MS} ms`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
