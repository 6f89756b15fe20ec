/**
 * SEARCH_OFFSET_BY_TIMESTAMP (broker-semantics.md 1.3, [5.x] boundary types): binary search over the whole
 * queue by the records' STORETIMESTAMP (non-decreasing in log order, so in queue order too).
 *   LOWER (default): the first entry stored at or after `timestamp`; the last entry when all are older.
 *   UPPER: the last entry stored at or before `timestamp`; the first entry when all are newer.
 */
import { storeTimestampPosition } from '@rocketnest/protocol';
import type { CommitLog } from '../commit-log/commit-log.js';
import type { ConsumeQueue } from '../consume-queue/consume-queue.js';
import { readLong } from '../store-bytes.js';

export type BoundaryType = 'LOWER' | 'UPPER';

/** Store time of the record behind queue entry `offset`, or undefined when it is gone. */
export async function storeTimeAt(
  commitLog: CommitLog,
  queue: ConsumeQueue,
  offset: number,
): Promise<number | undefined> {
  const entry = await queue.readEntry(offset);
  if (entry === undefined || entry.size <= 0 || entry.commitLogOffset < commitLog.minOffset) return undefined;
  const head = await commitLog.getData(entry.commitLogOffset, Math.min(entry.size, 96));
  if (head === undefined || head.length < 80) return undefined;
  return readLong(head, storeTimestampPosition(head.readInt32BE(36)));
}

export async function offsetInQueueByTime(
  commitLog: CommitLog,
  queue: ConsumeQueue,
  timestamp: number,
  boundary: BoundaryType,
): Promise<number> {
  const min = queue.minOffsetInQueue;
  const max = queue.maxOffsetInQueue;
  if (max <= min) return min;
  // Entries whose record is gone read as "older than anything".
  const timeAt = async (offset: number): Promise<number> =>
    (await storeTimeAt(commitLog, queue, offset)) ?? Number.NEGATIVE_INFINITY;
  const firstIndexWhere = async (predicate: (time: number) => boolean): Promise<number> => {
    let low = min;
    let high = max;
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      if (predicate(await timeAt(mid))) high = mid;
      else low = mid + 1;
    }
    return low;
  };
  if (boundary === 'LOWER') {
    const first = await firstIndexWhere((time) => time >= timestamp);
    return first < max ? first : max - 1;
  }
  const firstAfter = await firstIndexWhere((time) => time > timestamp);
  return firstAfter > min ? firstAfter - 1 : min;
}
