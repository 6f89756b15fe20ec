/** Disk usage of the partition holding a path, in percent (upstream UtilAll.getDiskPartitionSpaceUsedPercent). */
import * as fs from 'node:fs';

export type DiskUsageProbe = (dir: string) => Promise<number>;

export const statfsDiskUsage: DiskUsageProbe = async (dir) => {
  const stats = await fs.promises.statfs(dir);
  if (stats.blocks === 0) return 0;
  return ((stats.blocks - stats.bfree) / stats.blocks) * 100;
};
