import { Logger } from '@rocketnest/protocol';
import { readFileIfExists, writeFileAtomic } from '../../namesrv/atomic-file.js';

/**
 * One metadata file under `<dataDir>/config/` (broker-semantics.md 1.12): read once at start, rewritten
 * atomically. Writes are serialized; changes made while a write runs are coalesced into one more write.
 */
export class PersistedJson {
  private writing: Promise<void> | null = null;
  private again = false;

  constructor(
    readonly path: string,
    private readonly render: () => string,
    private readonly logger: Logger,
  ) {}

  /** The file's text, or undefined when it does not exist yet. */
  read(): Promise<string | undefined> {
    return readFileIfExists(this.path);
  }

  /** Writes in the background after a change; a failure is logged and the next change writes again. */
  persistSoon(): void {
    this.persist().catch((error: unknown) => {
      this.logger.warn('metadata will be written again on the next change', { path: this.path, error: String(error) });
    });
  }

  /** Schedules a write of the current state; resolves when a write that includes it is durable. */
  persist(): Promise<void> {
    if (this.writing !== null) {
      this.again = true;
      return this.writing;
    }
    this.writing = this.writeLoop().finally(() => {
      this.writing = null;
    });
    return this.writing;
  }

  private async writeLoop(): Promise<void> {
    do {
      this.again = false;
      try {
        await writeFileAtomic(this.path, this.render());
      } catch (error) {
        this.logger.error('metadata write failed', { path: this.path, error: String(error) });
        throw error;
      }
    } while (this.again);
  }
}

/** DataVersion (timestamp + counter) bumped on every change, compared by nameservers. */
export class DataVersionCounter {
  timestamp = Date.now();
  counter = 0;

  next(): void {
    this.timestamp = Date.now();
    this.counter += 1;
  }

  toJSON(): { timestamp: number; counter: number; stateVersion: number } {
    return { timestamp: this.timestamp, counter: this.counter, stateVersion: 0 };
  }
}
