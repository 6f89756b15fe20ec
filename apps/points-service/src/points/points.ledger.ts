/**
 * Points in SQLite: one balance per user and a ledger entry per award or take-back. Changes go through the
 * writer connection, inside the idempotency scope's transaction (the processed-message mark commits with
 * them; their own `db.transaction` becomes a savepoint). Reads for HTTP use a second, read-only
 * connection: in WAL mode they see committed data only.
 */
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';

export const POINTS_DATABASE = Symbol('POINTS_DATABASE');

export const POINTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS balances (
  user_id TEXT PRIMARY KEY,
  points  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id  TEXT NOT NULL,
  order_id TEXT NOT NULL,
  kind     TEXT NOT NULL CHECK (kind IN ('award', 'takeback')),
  points   INTEGER NOT NULL,
  msg_id   TEXT NOT NULL,
  at       INTEGER NOT NULL,
  UNIQUE (order_id, kind)
);
CREATE INDEX IF NOT EXISTS ledger_user ON ledger (user_id);
`;

/** What the handlers need from an order event. */
export interface PointsEvent {
  orderId: string;
  userId: string;
  amount: number;
}

export interface LedgerEntry {
  orderId: string;
  kind: 'award' | 'takeback';
  points: number;
  at: number;
}

export interface UserPoints {
  userId: string;
  points: number;
  entries: LedgerEntry[];
}

export interface LedgerTotals {
  users: number;
  awards: number;
  takebacks: number;
  points: number;
}

/** A refund arrived for an order whose award is not in the ledger: retried, then dead-lettered. */
export class MissingAwardError extends Error {
  override name = 'MissingAwardError';
}

@Injectable()
export class PointsLedger implements OnApplicationShutdown {
  private readonly reader: Database;

  constructor(@Inject(POINTS_DATABASE) private readonly db: Database) {
    this.reader = new BetterSqlite3(db.name, { readonly: true, fileMustExist: true });
  }

  /** One point per currency unit of a paid order. */
  award(event: PointsEvent, msgId: string): number {
    const points = event.amount;
    this.db.transaction(() => {
      this.db
        .prepare(`INSERT INTO ledger (user_id, order_id, kind, points, msg_id, at) VALUES (?, ?, 'award', ?, ?, ?)`)
        .run(event.userId, event.orderId, points, msgId, Date.now());
      this.adjust(event.userId, points);
    })();
    return points;
  }

  /** Takes back exactly what the order's award gave. */
  takeBack(event: PointsEvent, msgId: string): number {
    return this.db.transaction(() => {
      const award = this.db
        .prepare(`SELECT user_id, points FROM ledger WHERE order_id = ? AND kind = 'award'`)
        .get(event.orderId) as { user_id: string; points: number } | undefined;
      if (award === undefined) throw new MissingAwardError(`no award recorded for order ${event.orderId}`);
      this.db
        .prepare(`INSERT INTO ledger (user_id, order_id, kind, points, msg_id, at) VALUES (?, ?, 'takeback', ?, ?, ?)`)
        .run(award.user_id, event.orderId, -award.points, msgId, Date.now());
      this.adjust(award.user_id, -award.points);
      return award.points;
    })();
  }

  pointsOf(userId: string): UserPoints {
    const balance = this.reader.prepare(`SELECT points FROM balances WHERE user_id = ?`).get(userId) as
      { points: number } | undefined;
    const entries = (
      this.reader
        .prepare(`SELECT order_id, kind, points, at FROM ledger WHERE user_id = ? ORDER BY id`)
        .all(userId) as Array<{ order_id: string; kind: LedgerEntry['kind']; points: number; at: number }>
    ).map((row) => ({ orderId: row.order_id, kind: row.kind, points: row.points, at: row.at }));
    return { userId, points: balance?.points ?? 0, entries };
  }

  totals(): LedgerTotals {
    const row = this.reader
      .prepare(
        `SELECT (SELECT COUNT(*) FROM balances) AS users,
                (SELECT COUNT(*) FROM ledger WHERE kind = 'award') AS awards,
                (SELECT COUNT(*) FROM ledger WHERE kind = 'takeback') AS takebacks,
                (SELECT COALESCE(SUM(points), 0) FROM balances) AS points`,
      )
      .get() as LedgerTotals;
    return row;
  }

  onApplicationShutdown(): void {
    this.reader.close();
  }

  private adjust(userId: string, delta: number): void {
    this.db
      .prepare(
        `INSERT INTO balances (user_id, points) VALUES (?, ?)
         ON CONFLICT (user_id) DO UPDATE SET points = points + excluded.points`,
      )
      .run(userId, delta);
  }
}
