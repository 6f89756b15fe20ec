/**
 * Deduplication for at-least-once delivery (issue: "Duplicates handled for the user"). A store runs a
 * handler at most once per key; a redelivered message whose key is marked processed is skipped (consumed
 * without running the handler) and counted.
 *
 * Where the mark is written decides what "once" covers:
 * - `scope.transaction(work)`: the handler's own writes and the mark commit together (SqlIdempotencyStore:
 *   one SQLite transaction). A crash after that commit but before the broker ack redelivers a message
 *   whose key is marked: a no-op. A crash before it loses the writes and the mark: the redelivery does
 *   the work once. This is exactly-once for the database's effects.
 * - no scope call: the mark is written after the handler resolves. A crash in between runs the handler
 *   again, so effects outside the store's database stay at-least-once (make them idempotent).
 */
export interface IdempotencyScope {
  /** The deduplication key of this delivery (consumer group + message key). */
  readonly key: string;
  /**
   * Runs `work` and marks the key processed in the same transaction. `work` is synchronous (better-sqlite3
   * transactions are): do async preparation before, write inside. Once per delivery. Throws
   * DuplicateMessageError (and `work` does not run) when another delivery of the key committed first.
   */
  transaction<T>(work: () => T): T;
}

export interface RunOnceResult<T> {
  duplicate: boolean;
  value: T | undefined;
}

export interface IdempotencyStore {
  /**
   * Runs `handler` unless `key` is processed. Deliveries of one key in this process run one at a time;
   * a DuplicateMessageError for `key` thrown by the handler counts as a skipped duplicate.
   */
  runOnce<T>(key: string, handler: (scope: IdempotencyScope) => Promise<T>): Promise<RunOnceResult<T>>;
  /** Deliveries skipped because their key was already processed. */
  readonly duplicatesSkipped: number;
}
