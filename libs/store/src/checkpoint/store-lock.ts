/**
 * The `lock` file (broker-semantics.md 1.6): one live store per directory. Node has no flock, so the file holds
 * `pid hostname` and is created with O_EXCL; a lock whose process is gone (kill -9) is taken over. Another live
 * holder, this process included, makes `acquireSync` throw StoreLockedError.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { StoreLockedError } from '../store-errors.js';

/** A zombie (killed, not yet reaped, e.g. under a PID 1 that never reaps) holds nothing. */
function isZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

export class StoreLock {
  private held = false;
  private readonly content = `${process.pid} ${os.hostname()}\n`;

  constructor(readonly fileName: string) {}

  acquireSync(): void {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.writeFileSync(this.fileName, this.content, { flag: 'wx' });
        this.held = true;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = this.readHolderSync();
      if (holder !== undefined && holder.host === os.hostname() && isAlive(holder.pid))
        throw new StoreLockedError(
          `store ${this.fileName} is locked by process ${holder.pid}${holder.pid === process.pid ? ' (this process)' : ''}`,
        );
      if (holder !== undefined && holder.host !== os.hostname())
        throw new StoreLockedError(`store ${this.fileName} is locked by ${holder.host} pid ${holder.pid}`);
      // Stale lock of a dead process: remove and retry the exclusive create.
      fs.rmSync(this.fileName, { force: true });
    }
    throw new StoreLockedError(`could not take the store lock ${this.fileName}`);
  }

  private readHolderSync(): { pid: number; host: string } | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.fileName, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const [pidText, host] = text.trim().split(' ');
    const pid = Number(pidText);
    if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
    return { pid, host: host ?? '' };
  }

  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    const holder = this.readHolderSync();
    if (holder?.pid === process.pid) await fs.promises.rm(this.fileName, { force: true });
  }

  releaseSync(): void {
    if (!this.held) return;
    this.held = false;
    const holder = this.readHolderSync();
    if (holder?.pid === process.pid) fs.rmSync(this.fileName, { force: true });
  }
}
