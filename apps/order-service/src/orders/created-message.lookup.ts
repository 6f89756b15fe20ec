/**
 * Is the `created` message of an order stored in topic `order`? END_TRANSACTION is one-way and the broker
 * commits asynchronously, so a status message sent right after the creation could otherwise be stored
 * before the `created` one. The order-service asks the broker (QUERY_MESSAGE by the order id key, through
 * the producer's own client instance and its cached route) before it moves an order on.
 */
import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ClientInstance, toMessageExt } from '@rocketnest/client';
import { masterAddr } from '@rocketnest/protocol';
import { ClientRocketMQ } from '@rocketnest/nestjs';
import { ORDER_TOPIC } from './order.js';

/** Polling delays while waiting for a just-committed message to be indexed. */
const BACKOFF_MS = [2, 5, 10, 20, 50, 100, 200];

@Injectable()
export class CreatedMessageLookup implements OnModuleInit, OnApplicationShutdown {
  private instance: ClientInstance | null = null;

  constructor(private readonly client: ClientRocketMQ) {}

  onModuleInit(): void {
    this.instance = ClientInstance.acquire(this.client.producer.options);
  }

  async onApplicationShutdown(): Promise<void> {
    const instance = this.instance;
    this.instance = null;
    await instance?.release();
  }

  /** Whether the `created` message of this creation attempt is in the topic. */
  async isStored(orderId: string, creationId: string): Promise<boolean> {
    const instance = this.instance;
    if (instance === null) return false;
    const route = await instance.topicRoute(ORDER_TOPIC);
    for (const broker of route?.brokerDatas ?? []) {
      const addr = masterAddr(broker);
      if (addr === undefined) continue;
      const found = await instance.api.queryMessage(addr, ORDER_TOPIC, orderId, 32, 0, Date.now() + 60_000, false);
      for (const stored of found) {
        const message = toMessageExt(stored, broker.brokerName);
        if (message.topic !== ORDER_TOPIC || message.tags !== 'created') continue;
        const body = this.client.decode(message) as { creationId?: unknown } | null;
        if (body?.creationId === creationId) return true;
      }
    }
    return false;
  }

  /** Polls `isStored` for up to `timeoutMs`. */
  async waitStored(orderId: string, creationId: string, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      if (await this.isStored(orderId, creationId)) return true;
      const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]!;
      if (Date.now() + delay > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
