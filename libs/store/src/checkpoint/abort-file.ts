/**
 * The `abort` marker (broker-semantics.md 1.6): created empty when the store starts, removed by a clean
 * shutdown. Present at boot = the previous run crashed = abnormal recovery.
 */
import * as fs from 'node:fs';

export class AbortFile {
  constructor(readonly fileName: string) {}

  existsSync(): boolean {
    return fs.existsSync(this.fileName);
  }

  createSync(): void {
    const fd = fs.openSync(this.fileName, 'w');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  async remove(): Promise<void> {
    await fs.promises.rm(this.fileName, { force: true });
  }
}
