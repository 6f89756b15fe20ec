/**
 * A comparison is one row of BENCHMARKS.md's workload table: a subject (ours), its baselines (peers, or one of
 * our own workloads), the headline metric, and the floor and goal it is judged against.
 */
import type { MetricKey } from './metrics.js';
import type { Workload } from './workload.js';

/** Marks a contender whose code has not landed: it is listed as "not yet built" and never run. */
export interface NotYetBuilt {
  readonly notYetBuilt: true;
  readonly key: string;
  readonly label: string;
}

export type ContenderSlot = Workload | NotYetBuilt;

export function notYetBuilt(key: string, label: string): NotYetBuilt {
  return { notYetBuilt: true, key, label };
}

export function isNotYetBuilt(slot: ContenderSlot): slot is NotYetBuilt {
  return 'notYetBuilt' in slot;
}

/** A probe figure a target can be relative to (W2: RT p50 <= 3x loopback RTT). */
export type ProbeKey = 'tcpRttP50Us' | 'fdatasync4kUs' | 'fdatasyncBandwidthMBps' | 'echo1kPerSec';

export type TargetBound =
  /** subject / baseline >= factor (or <= for lower-is-better metrics), using the median of per-round ratios. */
  | { readonly baseline: string; readonly factor: number }
  /** The subject's median against a fixed value in the metric's unit. */
  | { readonly absolute: number }
  /** The subject's median against a probe figure times a factor (us probes are converted for ms metrics). */
  | { readonly probe: ProbeKey; readonly factor: number };

export interface Target {
  readonly level: 'floor' | 'goal';
  readonly metric: MetricKey;
  readonly bound: TargetBound;
  /** As written in BENCHMARKS.md: `1.0x RabbitMQ classic`. */
  readonly text: string;
}

export interface Comparison {
  /** `W1`, or `W3-64` for a variant; `--only W3` selects `W3` and every `W3-*`. */
  readonly id: string;
  readonly title: string;
  /** Ratios of this metric are computed against every baseline of equal durability. */
  readonly metric: MetricKey;
  /** More metrics to ratio (W1 also judges server CPU). */
  readonly alsoRatio?: readonly MetricKey[];
  readonly subject: ContenderSlot;
  readonly baselines: readonly ContenderSlot[];
  readonly targets: readonly Target[];
  readonly note?: string;
}
