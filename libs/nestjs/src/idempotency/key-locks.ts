/** Runs tasks one at a time per key: a duplicate arriving while the first delivery runs waits for it. */
export class KeyLocks {
  private readonly running = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    for (let held = this.running.get(key); held !== undefined; held = this.running.get(key)) await held;
    let release: () => void = () => undefined;
    this.running.set(
      key,
      new Promise<void>((resolve) => {
        release = resolve;
      }),
    );
    try {
      return await task();
    } finally {
      this.running.delete(key);
      release();
    }
  }

  get size(): number {
    return this.running.size;
  }
}
