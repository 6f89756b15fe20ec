/**
 * Idempotency in the application's own SQLite database (better-sqlite3): the handler's writes and the
 * processed-key mark commit in ONE database transaction, so a message redelivered after a crash between
 * that commit and the broker ack finds its key and is skipped; a crash before the commit loses writes and
 * mark together, and the redelivery does the work once.
 *
 * better-sqlite3 transactions are synchronous (`db.transaction(fn)` refuses a fn returning a promise),
 * while Nest runs a handler asynchronously behind pipes and interceptors. Two ways through, per store:
 *
 * mode 'delivery' (default): the store opens `BEGIN IMMEDIATE` on `db` before the handler runs, claims the
 * key, and commits after the handler resolved (rolls back if it threw). The handler just writes through
 * `db` (its own `db.transaction(...)` become savepoints):
 *
 *   @Topic('order') @Tag('paid') @Idempotent()
 *   onPaid(@Payload() order: OrderPaid) { this.ledger.credit(order); }   // writes via the store's db
 *
 *   Deliveries through the store run one at a time, and the write lock is held while the handler runs,
 *   so: give the consumer its own connection (every write on `db` during a delivery joins that delivery's
 *   transaction; other connections of the process that write would wait on the lock, blocking the event
 *   loop up to their busy_timeout), read for HTTP through another, read-only connection, and keep slow
 *   awaits out of these handlers (or use 'scope').
 *
 * mode 'scope': nothing is held across the handler. It awaits what it needs first, then writes inside
 * `ctx.getIdempotencyScope().transaction(work)`, one short `BEGIN IMMEDIATE` transaction with the mark:
 *
 *   @Topic('order') @Tag('paid') @Idempotent()
 *   async onPaid(@Payload() order: OrderPaid, @Ctx() ctx: RocketMQContext) {
 *     const rate = await this.rates.of(order.currency);           // async work, outside the transaction
 *     ctx.getIdempotencyScope().transaction(() => this.ledger.credit(order, rate));  // writes + mark
 *   }
 *
 *   Deliveries of different keys run concurrently. Writes made outside the scope are not atomic with the
 *   mark: without a scope call the key is marked after the handler resolved.
 *
 * In both modes the key is checked before the handler runs (a fast skip) and claimed inside the
 * transaction (`INSERT OR IGNORE`), so two processes sharing the file cannot both apply a delivery.
 */
import type { Database, Statement } from 'better-sqlite3';
import { DuplicateMessageError, RocketMQConfigurationError } from '../exceptions.js';
import type { IdempotencyScope, IdempotencyStore, RunOnceResult } from './idempotency-store.js';
import { KeyLocks } from './key-locks.js';
import { runGuarded } from './run-guarded.js';

export interface SqlIdempotencyStoreOptions {
  /** Table of processed keys, created if missing (`rocketnest_processed_messages`). */
  table?: string;
  /** 'delivery' (default): one transaction around each delivery; 'scope': the handler opens it. */
  mode?: 'delivery' | 'scope';
}

export const DEFAULT_SQL_IDEMPOTENCY_STORE_OPTIONS: Readonly<Required<SqlIdempotencyStoreOptions>> = Object.freeze({
  table: 'rocketnest_processed_messages',
  mode: 'delivery',
});

export class SqlIdempotencyStore implements IdempotencyStore {
  readonly table: string;
  readonly mode: 'delivery' | 'scope';
  private readonly locks = new KeyLocks();
  /** 'delivery' mode: one transaction on the connection at a time. */
  private deliveries: Promise<unknown> = Promise.resolve();
  private readonly selectKey: Statement<[string]>;
  private readonly insertKey: Statement<[string, number]>;
  private readonly deleteBefore: Statement<[number]>;
  private skipped = 0;

  /** Creates the table (startup: synchronous DDL). */
  constructor(
    readonly db: Database,
    options: SqlIdempotencyStoreOptions = {},
  ) {
    this.table = options.table ?? DEFAULT_SQL_IDEMPOTENCY_STORE_OPTIONS.table;
    this.mode = options.mode ?? DEFAULT_SQL_IDEMPOTENCY_STORE_OPTIONS.mode;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(this.table))
      throw new RocketMQConfigurationError(`invalid idempotency table name ${this.table}`);
    if (this.mode !== 'delivery' && this.mode !== 'scope')
      throw new RocketMQConfigurationError(`invalid idempotency mode ${String(this.mode)}`);
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${this.table} (message_key TEXT PRIMARY KEY, processed_at INTEGER NOT NULL);` +
        `CREATE INDEX IF NOT EXISTS ${this.table}_processed_at ON ${this.table} (processed_at);`,
    );
    this.selectKey = db.prepare(`SELECT 1 FROM ${this.table} WHERE message_key = ?`);
    this.insertKey = db.prepare(`INSERT OR IGNORE INTO ${this.table} (message_key, processed_at) VALUES (?, ?)`);
    this.deleteBefore = db.prepare(`DELETE FROM ${this.table} WHERE processed_at < ?`);
  }

  get duplicatesSkipped(): number {
    return this.skipped;
  }

  isProcessed(key: string): boolean {
    return this.selectKey.get(key) !== undefined;
  }

  runOnce<T>(key: string, handler: (scope: IdempotencyScope) => Promise<T>): Promise<RunOnceResult<T>> {
    if (this.mode === 'scope') return this.locks.run(key, () => this.runScoped(key, handler));
    const run = this.deliveries.then(() => this.runInDeliveryTransaction(key, handler));
    this.deliveries = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /**
   * Forgets keys processed more than `ageMs` ago (run it periodically; keep it longer than the oldest
   * redelivery you expect: the broker retries for about 5 hours by default). Returns how many.
   */
  purgeOlderThan(ageMs: number): number {
    return this.deleteBefore.run(Date.now() - ageMs).changes;
  }

  private skip(): RunOnceResult<never> {
    this.skipped += 1;
    return { duplicate: true, value: undefined };
  }

  private async runScoped<T>(key: string, handler: (scope: IdempotencyScope) => Promise<T>): Promise<RunOnceResult<T>> {
    if (this.isProcessed(key)) return this.skip();
    return runGuarded(
      key,
      handler,
      (work) =>
        this.db
          .transaction(() => {
            // Claim first: a lost race never runs `work`.
            if (this.insertKey.run(key, Date.now()).changes === 0) throw new DuplicateMessageError(key);
            return work();
          })
          .immediate(),
      () => {
        this.insertKey.run(key, Date.now());
      },
      () => {
        this.skipped += 1;
      },
    );
  }

  private async runInDeliveryTransaction<T>(
    key: string,
    handler: (scope: IdempotencyScope) => Promise<T>,
  ): Promise<RunOnceResult<T>> {
    const { db } = this;
    if (this.isProcessed(key)) return this.skip();
    db.exec('BEGIN IMMEDIATE');
    try {
      if (this.insertKey.run(key, Date.now()).changes === 0) {
        db.exec('ROLLBACK');
        return this.skip();
      }
      // Already inside the delivery's transaction: the scope just runs the work there.
      const result = await runGuarded(
        key,
        handler,
        (work) => work(),
        () => undefined,
        () => {
          this.skipped += 1;
        },
      );
      db.exec(result.duplicate ? 'ROLLBACK' : 'COMMIT');
      return result;
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
  }
}
