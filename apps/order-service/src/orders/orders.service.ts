/**
 * Order creation and status changes.
 *
 * Creation is a distributed transaction: the `created` half message is stored first, then the insert runs
 * as the local transaction; its commit commits the message, its failure rolls it back, and if this process
 * dies in between the broker asks `checkCreation` (check-back), which answers from the database.
 *
 * A status change is published as an ordered message (sharded by order id, tagged with the new status)
 * before the row is updated, one change at a time per order: a failed send changes nothing, and a crash
 * between the send and the update leaves a message that a retried request publishes again (consumers
 * deduplicate by order id and status).
 */
import { randomUUID } from 'node:crypto';
import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { lastValueFrom } from 'rxjs';
import type { MessageExt, SendResult, TransactionState } from '@rocketnest/client';
import { ClientRocketMQ, TransactionCheck, TransactionalMessage } from '@rocketnest/nestjs';
import { FaultInjector } from './fault-injection.js';
import type { CreateFault } from './fault-injection.js';
import { CreatedMessageLookup } from './created-message.lookup.js';
import { KeyedMutex } from './keyed-mutex.js';
import { ORDER_TOPIC, ORDER_TRANSITIONS } from './order.js';
import type { Order, OrderAction, OrderCreatedEvent, OrderEvent, TransactionCheckRecord } from './order.js';
import { DuplicateOrderError, OrdersRepository } from './orders.repository.js';

export interface NewOrder {
  /** Chosen by the caller (retry-safe creation) or generated. */
  orderId?: string;
  userId: string;
  amount: number;
}

/** How long a creation waits for its committed `created` message to be visible before it answers. */
const CONFIRM_TIMEOUT_MS = 3000;

@Injectable()
export class OrdersService {
  private readonly logger = new Logger('OrdersService');
  /** Creation attempts whose local transaction is running in this process now. */
  private readonly creating = new Set<string>();
  private readonly locks = new KeyedMutex();

  constructor(
    private readonly repository: OrdersRepository,
    private readonly client: ClientRocketMQ,
    private readonly faults: FaultInjector,
    private readonly createdMessages: CreatedMessageLookup,
  ) {}

  async create(input: NewOrder, fault?: CreateFault): Promise<Order> {
    const event: OrderCreatedEvent = {
      orderId: input.orderId ?? randomUUID(),
      userId: input.userId,
      amount: input.amount,
      status: 'created',
      version: 1,
      at: Date.now(),
      creationId: randomUUID(),
    };
    this.creating.add(event.creationId);
    try {
      const order = await this.insertWithMessage(event, fault);
      // END_TRANSACTION is one-way: answer once the created message is really in the topic (else the
      // order stays 'pending' and the next read or status change asks the broker again).
      if (!(await this.createdMessages.waitStored(event.orderId, event.creationId, CONFIRM_TIMEOUT_MS))) return order;
      this.repository.markCreationCommitted(event.orderId, event.creationId);
      return { ...order, creationState: 'committed' };
    } catch (error) {
      if (error instanceof DuplicateOrderError) throw new ConflictException(error.message);
      throw error;
    } finally {
      this.creating.delete(event.creationId);
    }
  }

  /** The local transaction of the `created` message: the body is `event`, the method body is the insert. */
  @TransactionalMessage({
    topic: ORDER_TOPIC,
    tag: 'created',
    keys: (event) => (event as OrderEvent).orderId,
    // Same queue as the order's later statuses, stored before the method returns: consumers see
    // created -> paid -> ... in order.
    shardingKey: (event) => (event as OrderEvent).orderId,
    awaitCommit: true,
  })
  async insertWithMessage(event: OrderCreatedEvent, fault?: CreateFault): Promise<Order> {
    this.faults.beforeInsert(fault, event.orderId);
    const order = this.repository.insert(event, () => this.faults.insideInsert(fault, event.orderId));
    this.faults.afterInsert(fault, event.orderId);
    return order;
  }

  /**
   * The broker's check-back for a `created` half message left open: commit when this very creation attempt
   * wrote the order, roll back when it did not (it failed, or a crash came before the insert), and ask again
   * later while the attempt still runs here.
   */
  @TransactionCheck(ORDER_TOPIC)
  checkCreation(payload: unknown, message: MessageExt): TransactionState {
    const event = payload as Partial<OrderCreatedEvent> | null;
    if (typeof event?.orderId !== 'string' || typeof event.creationId !== 'string') {
      this.logger.warn(`check-back for an unknown message ${message.msgId}: rollback`);
      return 'rollback';
    }
    let decision: TransactionCheckRecord['decision'];
    if (this.creating.has(event.creationId)) decision = 'unknown';
    else decision = this.repository.creationIdOf(event.orderId) === event.creationId ? 'commit' : 'rollback';
    this.repository.recordCheck({ orderId: event.orderId, creationId: event.creationId, decision, at: Date.now() });
    this.logger.log(`check-back for the creation of order ${event.orderId}: ${decision}`);
    return decision;
  }

  /** The order; a 'pending' creation (committed by a check-back, or confirmed late) is looked up first. */
  async get(orderId: string): Promise<Order> {
    const order = this.repository.find(orderId);
    if (order === undefined) throw new NotFoundException(`order ${orderId} not found`);
    if (order.creationState === 'committed') return order;
    const creationId = this.repository.creationIdOf(orderId)!;
    if (this.creating.has(creationId) || !(await this.createdMessages.isStored(orderId, creationId))) return order;
    this.repository.markCreationCommitted(orderId, creationId);
    return { ...order, creationState: 'committed' };
  }

  checks(orderId: string): TransactionCheckRecord[] {
    return this.repository.checksOf(orderId);
  }

  transition(orderId: string, action: OrderAction): Promise<Order> {
    return this.locks.run(orderId, async () => {
      const order = await this.get(orderId);
      const rule = ORDER_TRANSITIONS[action];
      if (!rule.from.includes(order.status))
        throw new ConflictException(`cannot ${action} order ${orderId}: it is ${order.status}`);
      if (order.creationState !== 'committed')
        throw new ConflictException(
          `order ${orderId} is still being created (its created message is not in the topic yet); try again shortly`,
        );
      const event: OrderEvent = {
        orderId,
        userId: order.userId,
        amount: order.amount,
        status: rule.to,
        version: order.version + 1,
        at: Date.now(),
      };
      const sent = await lastValueFrom(
        this.client.emit<SendResult>(
          { topic: ORDER_TOPIC, tag: rule.to, keys: [orderId], shardingKey: orderId },
          event,
        ),
      );
      if (!this.repository.applyStatus(event, sent.msgId))
        throw new ConflictException(`order ${orderId} changed while ${action} was published`);
      return this.get(orderId);
    });
  }
}
