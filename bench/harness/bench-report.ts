/** The saved shape of one run (bench/results/<timestamp>.json): everything needed to redraw the tables. */
import type { PeerStatus } from '../peers/peer-pool.js';
import type { ProbeDrift, ProbeRun } from '../probes/probe-suite.js';
import type { BenchOptions } from './bench-options.js';
import type { ComparisonResult } from './runner.js';

export const REPORT_SCHEMA = 'rocketnest-bench/1';

export interface HostInfo {
  readonly hostname: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly kernel: string;
}

export interface BenchReport {
  readonly schema: typeof REPORT_SCHEMA;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly elapsedMs: number;
  readonly host: HostInfo;
  readonly options: Omit<BenchOptions, 'help' | 'list'>;
  readonly probes: {
    readonly start: ProbeRun | null;
    readonly end: ProbeRun | null;
    readonly drifts: readonly ProbeDrift[];
    readonly noisy: boolean;
    readonly threshold: number;
  };
  readonly peers: readonly PeerStatus[];
  readonly comparisons: readonly ComparisonResult[];
  /** True when the probes moved more than the threshold between start and end. */
  readonly noisy: boolean;
  /** Set when the run's time cap stopped it before every selected comparison ran. */
  readonly capped?: string;
  readonly skippedComparisons: readonly { readonly id: string; readonly reason: string }[];
}
