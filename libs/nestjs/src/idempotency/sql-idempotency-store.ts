/**
 * Idempotency in the application's own SQLite database (better-sqlite3). `scope.transaction(work)` runs
 * the handler's writes and the processed-key mark in ONE database transaction, so a message redelivered
 * after a crash between that commit and the broker ack finds its key and is skipped; a crash before the
 * commit loses writes and mark together, and the redelivery does the work once.
 *
 * better-sqlite3 transactions are synchronous: a function that returns a promise cannot be one. So the
 * store never holds a transaction open across an await (which would also sweep unrelated writes of the
 * same connection into it); the handler awaits whatever it needs first, then writes synchronously:
 *
 *   @Topic('order') @Tag('paid') @Idempotent()
 *   async onPaid(@Payload() order: OrderPaid, @Ctx() ctx: RocketMQContext) {
 *     const rate = await this.rates.of(order.currency);          // async work, outside the transaction
 *     ctx.getIdempotencyScope().transaction(() => {               // BEGIN IMMEDIATE
 *       this.db.prepare('INSERT INTO ledger ...').run(...);       //   the handler's writes
 *     });                                                         //   + INSERT key; COMMIT
 *   }
 *
 * The handler must write through the same `Database` object the store was given; nested
 * `db.transaction(...)` calls inside `work` become savepoints. Keys are checked before the handler runs
 * (fast skip) and claimed inside the transaction (`INSERT OR IGNORE`), so two processes sharing the file
 * cannot both apply a delivery: the loser gets DuplicateMessageError and its writes roll back.
 */
import type { Database, Statement } from 'better-sqlite3';
import { DuplicateMessageError, RocketMQConfigurationError } from '../exceptions.js';
import type { IdempotencyScope, IdempotencyStore, RunOnceResult } from './idempotency-store.js';
import { KeyLocks } from './key-locks.js';
import { runGuarded } from './run-guarded.js';

export interface SqlIdempotencyStoreOptions {
  /** Table of processed keys, created if missing (`rocketnest_processed_messages`). */
  table?: string;
}

export const DEFAULT_SQL_IDEMPOTENCY_STORE_OPTIONS: Readonly<Required<SqlIdempotencyStoreOptions>> = Object.freeze({
  table: 'rocketnest_processed_messages',
});

export class SqlIdempotencyStore implements IdempotencyStore {
  readonly table: string;
  private readonly locks = new KeyLocks();
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
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(this.table))
      throw new RocketMQConfigurationError(`invalid idempotency table name ${this.table}`);
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
    return this.locks.run(key, async () => {
      if (this.isProcessed(key)) {
        this.skipped += 1;
        return { duplicate: true, value: undefined };
      }
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
    });
  }

  /**
   * Forgets keys processed more than `ageMs` ago (run it periodically; keep it longer than the oldest
   * redelivery you expect: the broker retries for about 5 hours by default). Returns how many.
   */
  purgeOlderThan(ageMs: number): number {
    return this.deleteBefore.run(Date.now() - ageMs).changes;
  }
}
