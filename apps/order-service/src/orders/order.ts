/**
 * The order life cycle and the event published for each step. Every status change is one message on topic
 * `order`, tagged with the new status, keyed and sharded by order id; its body is an OrderEvent.
 */

export const ORDER_TOPIC = 'order';

export type OrderStatus = 'created' | 'paid' | 'shipped' | 'completed' | 'refunded';
export type OrderAction = 'pay' | 'ship' | 'complete' | 'refund';

/** Which statuses an action starts from, and where it leads. */
export const ORDER_TRANSITIONS: Readonly<Record<OrderAction, { from: readonly OrderStatus[]; to: OrderStatus }>> =
  Object.freeze({
    pay: { from: ['created'], to: 'paid' },
    ship: { from: ['paid'], to: 'shipped' },
    complete: { from: ['shipped'], to: 'completed' },
    refund: { from: ['paid', 'shipped'], to: 'refunded' },
  });

/**
 * Whether the `created` message of an order is known to be committed. Status changes wait for it, so no
 * consumer can see `paid` for an order whose creation the broker may still roll back.
 */
export type CreationState = 'pending' | 'committed';

export interface Order {
  orderId: string;
  userId: string;
  /** Whole currency units; the points-service awards one point per unit. */
  amount: number;
  status: OrderStatus;
  /** 1 at creation, +1 per status change: the position of the latest event in the order's stream. */
  version: number;
  creationState: CreationState;
  createdAt: number;
  updatedAt: number;
  history: OrderHistoryEntry[];
}

export interface OrderHistoryEntry {
  version: number;
  status: OrderStatus;
  at: number;
}

/** Body of every message on topic `order`. */
export interface OrderEvent {
  orderId: string;
  userId: string;
  amount: number;
  status: OrderStatus;
  version: number;
  at: number;
}

/** The `created` event also names the creation attempt, so a check-back can tell attempts apart. */
export interface OrderCreatedEvent extends OrderEvent {
  status: 'created';
  creationId: string;
}

/** A check-back answer, recorded for the demo and for operators. */
export interface TransactionCheckRecord {
  orderId: string;
  creationId: string;
  decision: 'commit' | 'rollback' | 'unknown';
  at: number;
}
