/**
 * In-memory idempotency for development and tests: processed keys expire after `ttlMs`, the oldest are
 * forgotten beyond `maxKeys`. Not durable (a restart forgets every key) and not shared between
 * processes: use SqlIdempotencyStore in production. `scope.transaction(work)` runs `work` and marks the
 * key, with no atomicity beyond this process.
 */
import { DuplicateMessageError } from '../exceptions.js';
import type { IdempotencyScope, IdempotencyStore, RunOnceResult } from './idempotency-store.js';
import { KeyLocks } from './key-locks.js';
import { runGuarded } from './run-guarded.js';

export interface MemoryIdempotencyStoreOptions {
  /** How long a processed key is remembered (24 h). */
  ttlMs?: number;
  /** Oldest keys are forgotten beyond this many (100 000). */
  maxKeys?: number;
}

export const DEFAULT_MEMORY_IDEMPOTENCY_STORE_OPTIONS: Readonly<Required<MemoryIdempotencyStoreOptions>> =
  Object.freeze({ ttlMs: 24 * 3_600_000, maxKeys: 100_000 });

export class MemoryIdempotencyStore implements IdempotencyStore {
  /** key -> expiry; insertion order is expiry order (one TTL), so the oldest come first. */
  private readonly processed = new Map<string, number>();
  private readonly locks = new KeyLocks();
  private readonly options: Readonly<Required<MemoryIdempotencyStoreOptions>>;
  private skipped = 0;

  constructor(options: MemoryIdempotencyStoreOptions = {}) {
    this.options = Object.freeze({
      ttlMs: options.ttlMs ?? DEFAULT_MEMORY_IDEMPOTENCY_STORE_OPTIONS.ttlMs,
      maxKeys: options.maxKeys ?? DEFAULT_MEMORY_IDEMPOTENCY_STORE_OPTIONS.maxKeys,
    });
  }

  get duplicatesSkipped(): number {
    return this.skipped;
  }

  /** Keys remembered now. */
  get size(): number {
    return this.processed.size;
  }

  isProcessed(key: string): boolean {
    const expiresAt = this.processed.get(key);
    return expiresAt !== undefined && expiresAt > Date.now();
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
        (work) => {
          if (this.isProcessed(key)) throw new DuplicateMessageError(key);
          const value = work();
          this.mark(key);
          return value;
        },
        () => this.mark(key),
        () => {
          this.skipped += 1;
        },
      );
    });
  }

  private mark(key: string): void {
    const now = Date.now();
    this.processed.delete(key);
    this.processed.set(key, now + this.options.ttlMs);
    for (const [oldest, expiresAt] of this.processed) {
      if (expiresAt > now && this.processed.size <= this.options.maxKeys) break;
      this.processed.delete(oldest);
    }
  }
}
