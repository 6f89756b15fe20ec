/**
 * Deduplication for at-least-once delivery (issue: "Duplicates, handled for the user"). A store runs a
 * handler's work at most once per key; a redelivered message with a processed key is skipped and counted.
 */
export interface RunOnceResult<T> {
  duplicate: boolean;
  value: T | undefined;
}

export interface IdempotencyStore {
  runOnce<T>(key: string, work: () => Promise<T>): Promise<RunOnceResult<T>>;
  /** Deliveries skipped because their key was already processed. */
  readonly duplicatesSkipped: number;
}
