/**
 * The `checkpoint` file (broker-semantics.md 1.6): 4 KiB, big-endian longs at
 *   0  physicMsgTimestamp   store time of the last CommitLog record made durable
 *   8  logicsMsgTimestamp   store time of the last record whose ConsumeQueue entry is durable
 *   16 indexMsgTimestamp    end time of the last durable index data
 *   24 masterFlushedOffset  [5.x] CommitLog offset made durable
 *   32 confirmPhyOffset     [5.x] unused here (0)
 *   40 logicsPhyOffset      Rocketnest: every record below this offset has its ConsumeQueue and index entries
 *                           on disk, so crash recovery re-dispatches from here (0 = unknown, use timestamps)
 * Java reads only the first 40 bytes; the extra field is ignored by it. Written in place (one page, so a
 * process crash never tears it) and fdatasynced.
 */
import * as fs from 'node:fs';
import { readLong, writeLong } from '../store-bytes.js';

export const CHECKPOINT_FILE_SIZE = 4096;
const USED_BYTES = 48;

export interface CheckpointData {
  physicMsgTimestamp: number;
  logicsMsgTimestamp: number;
  indexMsgTimestamp: number;
  masterFlushedOffset: number;
  confirmPhyOffset: number;
  logicsPhyOffset: number;
}

export function encodeCheckpoint(data: CheckpointData, target: Buffer = Buffer.alloc(USED_BYTES)): Buffer {
  writeLong(target, 0, data.physicMsgTimestamp);
  writeLong(target, 8, data.logicsMsgTimestamp);
  writeLong(target, 16, data.indexMsgTimestamp);
  writeLong(target, 24, data.masterFlushedOffset);
  writeLong(target, 32, data.confirmPhyOffset);
  writeLong(target, 40, data.logicsPhyOffset);
  return target;
}

export function decodeCheckpoint(buf: Buffer): CheckpointData {
  return {
    physicMsgTimestamp: readLong(buf, 0),
    logicsMsgTimestamp: readLong(buf, 8),
    indexMsgTimestamp: readLong(buf, 16),
    masterFlushedOffset: readLong(buf, 24),
    confirmPhyOffset: readLong(buf, 32),
    logicsPhyOffset: readLong(buf, 40),
  };
}

export class StoreCheckpoint implements CheckpointData {
  physicMsgTimestamp = 0;
  logicsMsgTimestamp = 0;
  indexMsgTimestamp = 0;
  masterFlushedOffset = 0;
  confirmPhyOffset = 0;
  logicsPhyOffset = 0;
  /** Whether the file existed at load. */
  existed = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly fileName: string) {}

  /** Reads the file, creating a zeroed 4 KiB one when missing (startup). */
  loadSync(): void {
    if (!fs.existsSync(this.fileName)) {
      fs.writeFileSync(this.fileName, Buffer.alloc(CHECKPOINT_FILE_SIZE));
      return;
    }
    this.existed = true;
    const buf = Buffer.alloc(USED_BYTES);
    const fd = fs.openSync(this.fileName, 'r');
    try {
      fs.readSync(fd, buf, 0, USED_BYTES, 0);
    } finally {
      fs.closeSync(fd);
    }
    Object.assign(this, decodeCheckpoint(buf));
  }

  /** The recovery start time: min(physic, logics) - 3 s, floored at 0 (1.7). */
  get minTimestamp(): number {
    return Math.max(0, Math.min(this.physicMsgTimestamp, this.logicsMsgTimestamp) - 3000);
  }

  /** min(minTimestamp, indexMsgTimestamp) when the index must be rebuilt safely. */
  get minTimestampIndex(): number {
    return Math.min(this.minTimestamp, this.indexMsgTimestamp);
  }

  /** Writes and fdatasyncs the current values; calls are serialized. */
  flush(): Promise<void> {
    const bytes = encodeCheckpoint(this);
    const next = this.writing.then(async () => {
      const handle = await fs.promises.open(this.fileName, 'r+');
      try {
        await handle.write(bytes, 0, bytes.length, 0);
        await handle.datasync();
      } finally {
        await handle.close();
      }
    });
    this.writing = next.catch(() => undefined);
    return next;
  }

  flushSync(): void {
    const fd = fs.openSync(this.fileName, 'r+');
    try {
      fs.writeSync(fd, encodeCheckpoint(this), 0, USED_BYTES, 0);
      fs.fdatasyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
}
