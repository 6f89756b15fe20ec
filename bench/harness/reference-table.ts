/**
 * BENCHMARKS.md's peer table, filled from this run: one row per setup (a contender key's part before the
 * slash), one column per load shape (the part after it: window-1000, window-64, window-1, rate-2000, drain).
 */
import type { ComparisonResult, ContenderResult } from './runner.js';
import type { Spread } from './spread-stats.js';

export interface ReferenceRow {
  readonly setup: string;
  readonly label: string;
  readonly owner: ContenderResult['owner'];
  /** Null when nothing of this setup was measured; `status` says why. */
  readonly window1000: Spread | null;
  readonly window64: Spread | null;
  readonly window1: Spread | null;
  readonly rate2000P50: Spread | null;
  readonly rate2000P99: Spread | null;
  readonly drain: Spread | null;
  /** Server CPU per message at 64 in flight, else at the first shape measured. */
  readonly serverCpuUsPerMsg: Spread | null;
  readonly status: string;
}

const SHAPES = new Set(['window-1000', 'window-64', 'window-1', 'rate-2000', 'drain']);

export function buildReferenceTable(comparisons: readonly ComparisonResult[]): ReferenceRow[] {
  const bySetup = new Map<string, Map<string, ContenderResult>>();
  const order: string[] = [];
  for (const comparison of comparisons) {
    for (const contender of comparison.contenders) {
      const [setup, shape = ''] = contender.key.split('/');
      if (setup === undefined || !SHAPES.has(shape)) continue;
      let shapes = bySetup.get(setup);
      if (shapes === undefined) {
        shapes = new Map();
        bySetup.set(setup, shapes);
        order.push(setup);
      }
      const known = shapes.get(shape);
      if (known === undefined || (known.status !== 'measured' && contender.status === 'measured'))
        shapes.set(shape, contender);
    }
  }
  return order.map((setup): ReferenceRow => {
    const shapes = bySetup.get(setup) ?? new Map<string, ContenderResult>();
    const measured = (shape: string): ContenderResult | null => {
      const c = shapes.get(shape);
      return c !== undefined && c.status === 'measured' ? c : null;
    };
    const any = [...shapes.values()];
    const first = any[0];
    const cpuSource = measured('window-64') ?? any.find((c) => c.status === 'measured') ?? null;
    const statuses = new Set(any.filter((c) => c.status !== 'measured').map((c) => c.reason ?? c.status));
    return {
      setup,
      label: first?.label ?? setup,
      owner: first?.owner ?? null,
      window1000: measured('window-1000')?.summary.msgPerSec ?? null,
      window64: measured('window-64')?.summary.msgPerSec ?? null,
      window1: measured('window-1')?.summary.msgPerSec ?? null,
      rate2000P50: measured('rate-2000')?.summary.e2eP50Ms ?? null,
      rate2000P99: measured('rate-2000')?.summary.e2eP99Ms ?? null,
      drain: measured('drain')?.summary.msgPerSec ?? null,
      serverCpuUsPerMsg: cpuSource?.summary.serverCpuUsPerMsg ?? null,
      status: any.some((c) => c.status === 'measured')
        ? statuses.size > 0
          ? `partly: ${[...statuses].join('; ')}`
          : 'measured'
        : [...statuses].join('; '),
    };
  });
}
