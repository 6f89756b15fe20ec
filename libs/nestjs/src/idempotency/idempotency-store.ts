/**
 * Deduplication for at-least-once delivery (issue: "Duplicates handled for the user"). A store runs a
 * handler at most once per key; a redelivered message whose key is marked processed is skipped (consumed
 * without running the handler) and counted.
 *
 * Where the mark is written decides what "once" covers:
 * - with the handler's writes, in one transaction (SqlIdempotencyStore: around the whole delivery in
 *   'delivery' mode, or inside `scope.transaction(work)` in 'scope' mode). A crash after that commit but
 *   before the broker ack redelivers a message whose key is marked: a no-op. A crash before it loses the
 *   writes and the mark: the redelivery does the work once. Exactly-once for the database's effects.
 * - after the handler resolved (MemoryIdempotencyStore; SqlIdempotencyStore in 'scope' mode without a
 *   scope call). A crash in between runs the handler again, so effects stay at-least-once there (make them
 *   idempotent).
 */
export interface IdempotencyScope {
  /** The deduplication key of this delivery (consumer group + message key). */
  readonly key: string;
  /**
   * Runs `work` and marks the key processed in the same transaction (in SqlIdempotencyStore's 'delivery'
   * mode it is already open: `work` simply runs in it). `work` is synchronous, as better-sqlite3
   * transactions are: await before, write inside. Once per delivery. Throws DuplicateMessageError (and
   * `work` does not run) when another delivery of the key committed first.
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
