/**
 * A token bucket: `take()` resolves when a token is free, in call order, at most `ratePerSecond` per second
 * on average with bursts of at most `capacity`. The points-service awaits one before each message, so a
 * burst of orders waits in the broker (the consumer pulls only what it can hold) instead of hitting the
 * database at once: peak shaving.
 */
export interface TokenBucketOptions {
  /** Tokens added per second; 0 = unlimited. */
  ratePerSecond: number;
  /** Tokens that can accumulate while idle (default: a tenth of a second's worth, at least 1). */
  capacity?: number;
}

export class TokenBucket {
  readonly ratePerSecond: number;
  readonly capacity: number;
  private tokens: number;
  private refilledAt = Date.now();
  private tail: Promise<void> = Promise.resolve();

  constructor(options: TokenBucketOptions) {
    if (!Number.isFinite(options.ratePerSecond) || options.ratePerSecond < 0)
      throw new RangeError(`ratePerSecond must be >= 0, got ${options.ratePerSecond}`);
    this.ratePerSecond = options.ratePerSecond;
    this.capacity = options.capacity ?? Math.max(1, Math.floor(options.ratePerSecond / 10));
    if (this.capacity < 1) throw new RangeError(`capacity must be >= 1, got ${this.capacity}`);
    this.tokens = this.capacity;
  }

  take(): Promise<void> {
    if (this.ratePerSecond === 0) return Promise.resolve();
    const turn = this.tail.then(() => this.waitForToken());
    this.tail = turn;
    return turn;
  }

  private async waitForToken(): Promise<void> {
    this.refill();
    if (this.tokens < 1) {
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000)));
      this.refill();
    }
    this.tokens -= 1;
  }

  private refill(): void {
    const now = Date.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.refilledAt) / 1000) * this.ratePerSecond);
    this.refilledAt = now;
  }
}
