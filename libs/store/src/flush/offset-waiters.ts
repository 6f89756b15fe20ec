/**
 * Puts waiting for the log to reach their end offset (written, or durable), in append order. Offsets and
 * deadlines both grow along the queue, so completion and expiry only ever pop from the head; one timer
 * watches the head's deadline (upstream's FlushDiskWatcher).
 */
export type WaitOutcome = { kind: 'done' } | { kind: 'timeout' } | { kind: 'error'; error: Error };

interface Waiter {
  readonly nextOffset: number;
  readonly deadline: number;
  readonly resolve: (outcome: WaitOutcome) => void;
}

const DONE: WaitOutcome = Object.freeze({ kind: 'done' });
const TIMEOUT: WaitOutcome = Object.freeze({ kind: 'timeout' });

export class OffsetWaiters {
  private waiters: Waiter[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerDeadline = 0;

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.waiters.length - this.head;
  }

  /** Resolves once `resolveUpTo(x)` is called with x >= nextOffset, or at the deadline with timeout. */
  wait(nextOffset: number): Promise<WaitOutcome> {
    return new Promise((resolve) => {
      this.waiters.push({ nextOffset, deadline: this.now() + this.timeoutMs, resolve });
      if (this.timer === null) this.arm();
    });
  }

  resolveUpTo(offset: number): void {
    while (this.head < this.waiters.length && this.waiters[this.head].nextOffset <= offset)
      this.waiters[this.head++].resolve(DONE);
    this.compact();
  }

  failAll(error: Error): void {
    const outcome: WaitOutcome = { kind: 'error', error };
    while (this.head < this.waiters.length) this.waiters[this.head++].resolve(outcome);
    this.compact();
  }

  /** Answers every waiter with timeout (shutdown without durability). */
  expireAll(): void {
    while (this.head < this.waiters.length) this.waiters[this.head++].resolve(TIMEOUT);
    this.compact();
  }

  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private compact(): void {
    if (this.head === this.waiters.length) {
      this.waiters = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.waiters.length) {
      this.waiters = this.waiters.slice(this.head);
      this.head = 0;
    }
  }

  private arm(): void {
    const first = this.waiters[this.head];
    if (first === undefined) {
      this.close();
      return;
    }
    if (this.timer !== null && this.timerDeadline <= first.deadline) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerDeadline = first.deadline;
    this.timer = setTimeout(() => this.expire(), Math.max(0, first.deadline - this.now()));
    this.timer.unref();
  }

  private expire(): void {
    this.timer = null;
    const now = this.now();
    while (this.head < this.waiters.length && this.waiters[this.head].deadline <= now)
      this.waiters[this.head++].resolve(TIMEOUT);
    this.compact();
    this.arm();
  }
}
