/**
 * Orders in SQLite (better-sqlite3, synchronous): the `orders` row, its status history, and the answers
 * given to the broker's transaction check-backs. Writes are short synchronous transactions, so they never
 * interleave on the shared connection.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import type {
  CreationState,
  Order,
  OrderCreatedEvent,
  OrderEvent,
  OrderHistoryEntry,
  OrderStatus,
  TransactionCheckRecord,
} from './order.js';

export const ORDERS_DATABASE = Symbol('ORDERS_DATABASE');

const SCHEMA = `
CREATE TABLE IF NOT EXISTS orders (
  order_id       TEXT PRIMARY KEY,
  user_id        TEXT NOT NULL,
  amount         INTEGER NOT NULL CHECK (amount > 0),
  status         TEXT NOT NULL,
  version        INTEGER NOT NULL,
  creation_id    TEXT NOT NULL,
  creation_state TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS order_history (
  order_id TEXT NOT NULL REFERENCES orders (order_id),
  version  INTEGER NOT NULL,
  status   TEXT NOT NULL,
  at       INTEGER NOT NULL,
  msg_id   TEXT,
  PRIMARY KEY (order_id, version)
);
CREATE TABLE IF NOT EXISTS transaction_checks (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  order_id    TEXT NOT NULL,
  creation_id TEXT NOT NULL,
  decision    TEXT NOT NULL,
  at          INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS transaction_checks_order ON transaction_checks (order_id);
`;

interface OrderRow {
  order_id: string;
  user_id: string;
  amount: number;
  status: OrderStatus;
  version: number;
  creation_id: string;
  creation_state: CreationState;
  created_at: number;
  updated_at: number;
}

/** The order id is taken (a second creation attempt with the same id). */
export class DuplicateOrderError extends Error {
  override name = 'DuplicateOrderError';
}

@Injectable()
export class OrdersRepository {
  constructor(@Inject(ORDERS_DATABASE) private readonly db: Database) {
    db.exec(SCHEMA);
  }

  /**
   * Inserts a new order and its first history entry in one transaction; `inTransaction` runs before the
   * commit (a throw there undoes the insert).
   */
  insert(event: OrderCreatedEvent, inTransaction: () => void = () => undefined): Order {
    this.db.transaction(() => {
      try {
        this.db
          .prepare(
            `INSERT INTO orders (order_id, user_id, amount, status, version, creation_id, creation_state, created_at, updated_at)
             VALUES (?, ?, ?, 'created', 1, ?, 'pending', ?, ?)`,
          )
          .run(event.orderId, event.userId, event.amount, event.creationId, event.at, event.at);
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
          throw new DuplicateOrderError(`order ${event.orderId} already exists`, { cause: error });
        throw error;
      }
      this.db
        .prepare(`INSERT INTO order_history (order_id, version, status, at) VALUES (?, 1, 'created', ?)`)
        .run(event.orderId, event.at);
      inTransaction();
    })();
    return this.find(event.orderId)!;
  }

  find(orderId: string): Order | undefined {
    const row = this.db.prepare(`SELECT * FROM orders WHERE order_id = ?`).get(orderId) as OrderRow | undefined;
    if (row === undefined) return undefined;
    const history = this.db
      .prepare(`SELECT version, status, at FROM order_history WHERE order_id = ? ORDER BY version`)
      .all(orderId) as OrderHistoryEntry[];
    return {
      orderId: row.order_id,
      userId: row.user_id,
      amount: row.amount,
      status: row.status,
      version: row.version,
      creationState: row.creation_state,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      history,
    };
  }

  /** The creation attempt that wrote this order, if any did. */
  creationIdOf(orderId: string): string | undefined {
    const row = this.db.prepare(`SELECT creation_id FROM orders WHERE order_id = ?`).get(orderId) as
      { creation_id: string } | undefined;
    return row?.creation_id;
  }

  markCreationCommitted(orderId: string, creationId: string): void {
    this.db
      .prepare(`UPDATE orders SET creation_state = 'committed' WHERE order_id = ? AND creation_id = ?`)
      .run(orderId, creationId);
  }

  /**
   * Applies a published status change if the order is still at the version it was read at; false when
   * something else changed it first.
   */
  applyStatus(event: OrderEvent, msgId: string): boolean {
    return this.db.transaction(() => {
      const changed = this.db
        .prepare(`UPDATE orders SET status = ?, version = ?, updated_at = ? WHERE order_id = ? AND version = ?`)
        .run(event.status, event.version, event.at, event.orderId, event.version - 1).changes;
      if (changed === 0) return false;
      this.db
        .prepare(`INSERT INTO order_history (order_id, version, status, at, msg_id) VALUES (?, ?, ?, ?, ?)`)
        .run(event.orderId, event.version, event.status, event.at, msgId);
      return true;
    })();
  }

  recordCheck(record: TransactionCheckRecord): void {
    this.db
      .prepare(`INSERT INTO transaction_checks (order_id, creation_id, decision, at) VALUES (?, ?, ?, ?)`)
      .run(record.orderId, record.creationId, record.decision, record.at);
  }

  checksOf(orderId: string): TransactionCheckRecord[] {
    return (
      this.db
        .prepare(`SELECT order_id, creation_id, decision, at FROM transaction_checks WHERE order_id = ? ORDER BY id`)
        .all(orderId) as Array<{
        order_id: string;
        creation_id: string;
        decision: TransactionCheckRecord['decision'];
        at: number;
      }>
    ).map((row) => ({ orderId: row.order_id, creationId: row.creation_id, decision: row.decision, at: row.at }));
  }
}
