/** Issue 4's store micro-benchmarks (libs/store against raw fs in the same run). */
import type { Comparison } from '../../harness/comparison.js';
import {
  rawAppendKey,
  rawAppendWorkload,
  rawReadWorkload,
  storeAppendKey,
  storeAppendWorkload,
  storeCatchUpWorkload,
} from './store-workloads.js';

export function storeComparisons(): Comparison[] {
  return [
    {
      id: 'S1',
      title: 'store: 1 KiB appends, ASYNC_FLUSH, 1 writer vs a raw sequential fs append of the same bytes',
      metric: 'opsPerSec',
      alsoRatio: ['extra.eventLoopP99Ms'],
      subject: storeAppendWorkload('ASYNC_FLUSH', 1),
      baselines: [rawAppendWorkload(false)],
      targets: [
        {
          level: 'floor',
          metric: 'opsPerSec',
          bound: { baseline: rawAppendKey(false), factor: 0.5 },
          text: '0.5x raw fs append',
        },
      ],
      note: 'like for like: one put awaited at a time against one write awaited at a time',
    },
    {
      id: 'S1-64',
      title: 'store: 1 KiB appends, ASYNC_FLUSH, 64 concurrent writers vs the raw sequential append',
      metric: 'opsPerSec',
      alsoRatio: ['extra.eventLoopP99Ms'],
      subject: storeAppendWorkload('ASYNC_FLUSH', 64),
      baselines: [rawAppendWorkload(false)],
      targets: [],
      note: 'the store groups concurrent puts into one pwrite; the raw baseline still writes one record at a time',
    },
    {
      id: 'S2',
      title: 'store: 1 KiB appends, SYNC_FLUSH, 1 writer vs raw write + fdatasync per record',
      metric: 'opsPerSec',
      alsoRatio: ['extra.eventLoopP99Ms'],
      subject: storeAppendWorkload('SYNC_FLUSH', 1),
      baselines: [rawAppendWorkload(true)],
      targets: [],
    },
    {
      id: 'S2-64',
      title: 'store: 1 KiB appends, SYNC_FLUSH, 64 concurrent writers (group commit) vs 1 writer and raw fdatasync',
      metric: 'opsPerSec',
      alsoRatio: ['extra.messagesPerFdatasync', 'extra.eventLoopP99Ms'],
      subject: storeAppendWorkload('SYNC_FLUSH', 64),
      baselines: [storeAppendWorkload('SYNC_FLUSH', 1), rawAppendWorkload(true)],
      targets: [
        {
          level: 'goal',
          metric: 'opsPerSec',
          bound: { baseline: storeAppendKey('SYNC_FLUSH', 1), factor: 20 },
          text: '20x our SYNC_FLUSH with 1 writer',
        },
      ],
    },
    {
      id: 'S3',
      title: 'store: catch-up read of 1 GiB (128 MiB with --quick) vs a raw sequential read',
      metric: 'opsPerSec',
      alsoRatio: ['mbPerSec', 'extra.eventLoopP99Ms'],
      subject: storeCatchUpWorkload(),
      baselines: [rawReadWorkload('pull-batch'), rawReadWorkload('1MiB')],
      targets: [],
      note: 'page cache warm on both sides; ops are 1 KiB messages (raw: bytes / record size)',
    },
  ];
}
