/**
 * Idempotency in the application's own SQLite database (better-sqlite3): the check, the handler's writes
 * and the mark run in ONE transaction on the same connection, so a message redelivered after a crash
 * between the handler's commit and the broker ack finds its key and is skipped; a crash before the commit
 * loses both the writes and the mark, and the redelivery does the work once.
 *
 * The handler must write through the same `Database` object. It may use `db.transaction(...)` inside (it
 * becomes a savepoint). Deliveries through this store run one at a time (one SQLite transaction at a time
 * per connection).
 */
import type { Database } from 'better-sqlite3';
import type { IdempotencyStore, RunOnceResult } from './idempotency-store.js';

export interface SqlIdempotencyStoreOptions {
  /** Table of processed keys (created if missing). */
  table?: string;
}

export class SqlIdempotencyStore implements IdempotencyStore {
  private readonly table: string;
  private queue: Promise<unknown> = Promise.resolve();
  private skipped = 0;

  constructor(
    readonly db: Database,
    options: SqlIdempotencyStoreOptions = {},
  ) {
    this.table = options.table ?? 'rocketnest_processed_messages';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(this.table)) throw new Error(`invalid table name ${this.table}`);
    db.exec(`CREATE TABLE IF NOT EXISTS ${this.table} (message_key TEXT PRIMARY KEY, processed_at INTEGER NOT NULL)`);
  }

  get duplicatesSkipped(): number {
    return this.skipped;
  }

  /** Whether a key was processed (tests, tooling). */
  has(key: string): boolean {
    return this.db.prepare(`SELECT 1 FROM ${this.table} WHERE message_key = ?`).get(key) !== undefined;
  }

  runOnce<T>(key: string, work: () => Promise<T>): Promise<RunOnceResult<T>> {
    const run = this.queue.then(() => this.transaction(key, work));
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async transaction<T>(key: string, work: () => Promise<T>): Promise<RunOnceResult<T>> {
    const { db } = this;
    db.exec('BEGIN IMMEDIATE');
    try {
      if (db.prepare(`SELECT 1 FROM ${this.table} WHERE message_key = ?`).get(key) !== undefined) {
        db.exec('ROLLBACK');
        this.skipped += 1;
        return { duplicate: true, value: undefined };
      }
      const value = await work();
      db.prepare(`INSERT INTO ${this.table} (message_key, processed_at) VALUES (?, ?)`).run(key, Date.now());
      db.exec('COMMIT');
      return { duplicate: false, value };
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
  }
}
