import type { Logger } from '@rocketnest/protocol';

/** A background part of the broker (schedule delivery, transaction checks, housekeeping...). */
export interface BrokerService {
  readonly name: string;
  start(): void | Promise<void>;
  /** Stops timers and finishes or persists what is in progress. */
  shutdown(): void | Promise<void>;
}

/**
 * Runs `task` every `intervalMs` (first run after `initialDelayMs`), never overlapping itself; a failing run
 * is logged and the next one happens on time.
 */
export class PeriodicTask implements BrokerService {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    readonly name: string,
    private readonly intervalMs: number,
    private readonly task: () => void | Promise<void>,
    private readonly logger: Logger,
    private readonly initialDelayMs = intervalMs,
  ) {}

  start(): void {
    this.schedule(this.initialDelayMs);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.runOnce().finally(() => {
        this.running = null;
        this.schedule(this.intervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async runOnce(): Promise<void> {
    try {
      await this.task();
    } catch (error) {
      this.logger.error('periodic task failed', { task: this.name, error: String(error) });
    }
  }
}
