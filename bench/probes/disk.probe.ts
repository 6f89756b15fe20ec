/**
 * Disk limits of the temp folder's filesystem (where every broker under test keeps its data): write + fdatasync
 * latency for 4 KiB and 64 KiB appends, fdatasync'd bandwidth with 1 MiB writes, and plain 1 KiB appends with
 * no sync. Synchronous calls on purpose: the limit of the device, without thread-pool hops.
 */
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { LatencyRecorder } from '../harness/latency-recorder.js';
import { makeTempDir, removeTempDir } from '../peers/temp-dirs.js';
import type { Probe, ProbeFigure } from './probe.js';

interface SyncedWrites {
  readonly p50Us: number;
  readonly mbPerSec: number;
}

/** Appends `size`-byte writes each followed by fdatasync for `budgetMs`. */
function syncedWrites(file: string, size: number, budgetMs: number): SyncedWrites {
  const buf = Buffer.alloc(size, 0x61);
  const fd = openSync(file, 'w');
  const recorder = new LatencyRecorder();
  let bytes = 0;
  const start = performance.now();
  const deadline = start + budgetMs;
  try {
    // At least a few operations even when one is slower than the budget.
    while (performance.now() < deadline || recorder.count < 5) {
      const began = performance.now();
      writeSync(fd, buf);
      fdatasyncSync(fd);
      recorder.record(performance.now() - began);
      bytes += size;
    }
  } finally {
    closeSync(fd);
  }
  const elapsedS = (performance.now() - start) / 1000;
  return { p50Us: (recorder.summary()?.p50Ms ?? Number.NaN) * 1000, mbPerSec: bytes / 1e6 / elapsedS };
}

/** 1 KiB appends with no sync: the page-cache rate a commit log without flushing could reach. */
function plainAppends(file: string, budgetMs: number): number {
  const buf = Buffer.alloc(1024, 0x62);
  const fd = openSync(file, 'w');
  let count = 0;
  const start = performance.now();
  const deadline = start + budgetMs;
  try {
    while (performance.now() < deadline) {
      // Check the clock every 256 writes: a write costs about a microsecond.
      for (let i = 0; i < 256; i++) writeSync(fd, buf);
      count += 256;
    }
  } finally {
    closeSync(fd);
  }
  return count / ((performance.now() - start) / 1000);
}

export const diskProbe: Probe = {
  name: 'disk: fdatasync and appends',
  async run(budgetMs: number): Promise<ProbeFigure[]> {
    const dir = await makeTempDir('disk-probe');
    try {
      const share = budgetMs / 4;
      const small = syncedWrites(path.join(dir, 'sync-4k'), 4096, share);
      const medium = syncedWrites(path.join(dir, 'sync-64k'), 65536, share);
      const large = syncedWrites(path.join(dir, 'sync-1m'), 1 << 20, share);
      const appends = plainAppends(path.join(dir, 'append-1k'), share);
      return [
        {
          key: 'fdatasync4kUs',
          label: '4 KiB write + fdatasync p50',
          value: small.p50Us,
          unit: 'us',
          reference: '~100 us',
        },
        {
          key: 'fdatasync64kUs',
          label: '64 KiB write + fdatasync p50',
          value: medium.p50Us,
          unit: 'us',
          reference: '~100 us',
        },
        {
          key: 'fdatasyncBandwidthMBps',
          label: 'sequential 1 MiB writes + fdatasync',
          value: large.mbPerSec,
          unit: 'MB/s',
          reference: '~1600-2000 MB/s',
        },
        { key: 'append1kPerSec', label: '1 KiB appends, no fsync', value: appends, unit: '/s', reference: '' },
      ];
    } finally {
      await removeTempDir(dir);
    }
  },
};
