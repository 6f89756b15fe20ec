/**
 * In-memory idempotency for development and tests: processed keys expire after `ttlMs`. A duplicate that
 * arrives while the first delivery still runs waits for it (and runs only if that one failed). Not durable:
 * a restart forgets every key; use SqlIdempotencyStore in production.
 */
import type { IdempotencyStore, RunOnceResult } from './idempotency-store.js';

export interface MemoryIdempotencyStoreOptions {
  /** How long a processed key is remembered (24 h). */
  ttlMs?: number;
  /** Oldest keys are forgotten beyond this many (100 000). */
  maxKeys?: number;
}

export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly processed = new Map<string, number>();
  private readonly running = new Map<string, Promise<unknown>>();
  private readonly ttlMs: number;
  private readonly maxKeys: number;
  private skipped = 0;

  constructor(options: MemoryIdempotencyStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? 24 * 3_600_000;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  get duplicatesSkipped(): number {
    return this.skipped;
  }

  async runOnce<T>(key: string, work: () => Promise<T>): Promise<RunOnceResult<T>> {
    for (;;) {
      const expiresAt = this.processed.get(key);
      if (expiresAt !== undefined && expiresAt > Date.now()) {
        this.skipped += 1;
        return { duplicate: true, value: undefined };
      }
      const inFlight = this.running.get(key);
      if (inFlight === undefined) break;
      await inFlight.then(
        () => undefined,
        () => undefined,
      );
    }
    const task = work();
    this.running.set(key, task);
    try {
      const value = await task;
      this.remember(key);
      return { duplicate: false, value };
    } finally {
      this.running.delete(key);
    }
  }

  private remember(key: string): void {
    this.processed.set(key, Date.now() + this.ttlMs);
    if (this.processed.size > this.maxKeys) {
      const oldest = this.processed.keys().next().value;
      if (oldest !== undefined) this.processed.delete(oldest);
    }
  }
}
