/**
 * Runs one comparison: sets every available contender up, then interleaves them round by round (ours, peer,
 * peer..., ours, peer...), so each per-round ratio compares figures taken seconds apart on the same machine
 * state. Reports each contender's median with min-max and the median of the per-round ratios.
 */
import path from 'node:path';
import type { PeerEndpoint, PeerName } from '../peers/peer-server.js';
import { makeTempDir, removeTempDir } from '../peers/temp-dirs.js';
import { isNotYetBuilt, type Comparison, type ContenderSlot, type Target } from './comparison.js';
import { metricInfo, metricValue, REPORTED_METRICS, type MetricKey } from './metrics.js';
import { spreadOf, type Spread } from './spread-stats.js';
import { withTimeCap } from './time-cap.js';
import {
  ContenderUnavailableError,
  type ContenderOwner,
  type Durability,
  type MeasurePlan,
  type RoundMeasurement,
  type SettingValue,
  type Workload,
} from './workload.js';

/** A miss counts only beyond this (BENCHMARKS.md: spread is about +-10%). */
export const MISS_TOLERANCE = 0.15;
const SETUP_CAP_MS = 90_000;
const TEARDOWN_CAP_MS = 30_000;

export interface RunnerContext {
  readonly rounds: number;
  readonly plan: MeasurePlan;
  /** Cap for one contender's setup and all its rounds; a comparison gets it once per runnable contender. */
  readonly workloadCapMs: number;
  /** performance.now() after which nothing new starts. */
  readonly runDeadlineMs: number;
  readonly peers: ReadonlyMap<PeerName, PeerEndpoint>;
  /** Why a peer is missing, for the skip line. */
  readonly peerSkipReason: (name: PeerName) => string;
  /** Start-of-run probe figures, for targets relative to a physical limit. */
  readonly probe: (key: string) => { value: number; unit: string } | null;
  readonly log: (line: string) => void;
}

export interface RoundRecord {
  readonly round: number;
  readonly measurement?: RoundMeasurement;
  readonly metrics: Partial<Record<MetricKey, number>>;
  readonly error?: string;
}

export type ContenderStatus = 'measured' | 'not-yet-built' | 'skipped' | 'failed';

export interface ContenderResult {
  readonly key: string;
  readonly label: string;
  readonly role: 'subject' | 'baseline';
  readonly owner: ContenderOwner | null;
  readonly durability: Durability | null;
  readonly settings: Readonly<Record<string, SettingValue>>;
  readonly status: ContenderStatus;
  readonly reason?: string;
  readonly rounds: readonly RoundRecord[];
  readonly summary: Partial<Record<MetricKey, Spread>>;
}

export interface RatioResult {
  readonly baselineKey: string;
  readonly baselineLabel: string;
  readonly metric: MetricKey;
  /** False when the pair cannot be judged: durability differs, or a side was not measured. */
  readonly comparable: boolean;
  readonly reason?: string;
  readonly perRound: readonly (number | null)[];
  readonly spread: Spread | null;
}

export type Verdict = 'met' | 'within-noise' | 'missed' | 'not-measured';

export interface TargetResult {
  readonly level: Target['level'];
  readonly text: string;
  readonly metric: MetricKey;
  /** The median compared: a ratio for baseline targets, the subject's figure otherwise. */
  readonly value: number | null;
  readonly threshold: number | null;
  readonly verdict: Verdict;
}

export interface ComparisonResult {
  readonly id: string;
  readonly title: string;
  readonly metric: MetricKey;
  readonly note?: string;
  readonly contenders: readonly ContenderResult[];
  readonly ratios: readonly RatioResult[];
  readonly targets: readonly TargetResult[];
  readonly elapsedMs: number;
  /** Set when a cap cut the comparison short. */
  readonly capped?: string;
}

interface LiveContender {
  readonly slot: ContenderSlot;
  readonly role: 'subject' | 'baseline';
  workload: Workload | null;
  status: ContenderStatus;
  reason?: string;
  tempDir: string | null;
  readonly rounds: RoundRecord[];
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause === undefined ? '' : ` (cause: ${describe(error.cause)})`;
  return `${error.message}${cause}`;
}

/** The reported metrics, the comparison's own (opsPerSec for micro-benchmarks) and every extra figure. */
function metricsOf(m: RoundMeasurement, comparison: Comparison): Partial<Record<MetricKey, number>> {
  const out: Partial<Record<MetricKey, number>> = {};
  const keys: MetricKey[] = [
    ...REPORTED_METRICS,
    comparison.metric,
    ...(comparison.alsoRatio ?? []),
    ...Object.keys(m.extra ?? {}).map((k) => `extra.${k}` as MetricKey),
  ];
  for (const key of keys) {
    const value = metricValue(m, key);
    if (value !== null && Number.isFinite(value)) out[key] = value;
  }
  return out;
}

export async function runComparison(comparison: Comparison, context: RunnerContext): Promise<ComparisonResult> {
  const began = performance.now();
  const runnable = [comparison.subject, ...comparison.baselines].filter(
    (slot) => !isNotYetBuilt(slot) && slot.requires.every((peer) => context.peers.has(peer)),
  ).length;
  // The cap is per workload: a comparison with more contenders gets proportionally longer.
  const deadline = Math.min(began + context.workloadCapMs * Math.max(1, runnable), context.runDeadlineMs);
  const live: LiveContender[] = [
    { slot: comparison.subject, role: 'subject' as const },
    ...comparison.baselines.map((slot) => ({ slot, role: 'baseline' as const })),
  ].map(({ slot, role }) => ({ slot, role, workload: null, status: 'skipped', tempDir: null, rounds: [] }));
  let capped: string | undefined;

  for (const c of live) {
    if (isNotYetBuilt(c.slot)) {
      c.status = 'not-yet-built';
      c.reason = 'not yet built';
      continue;
    }
    const missing = c.slot.requires.find((peer) => !context.peers.has(peer));
    if (missing !== undefined) {
      c.reason = `${missing}: ${context.peerSkipReason(missing)}`;
      continue;
    }
    if (performance.now() >= deadline) {
      c.reason = 'time cap reached before setup';
      capped = 'time cap reached before every contender was set up';
      continue;
    }
    const workload = c.slot;
    try {
      c.tempDir = await makeTempDir(`w-${comparison.id}`);
      const tempDir = c.tempDir;
      await withTimeCap(`${workload.key} setup`, Math.min(SETUP_CAP_MS, deadline - performance.now()), (signal) =>
        workload.setup({ signal, plan: context.plan, peers: context.peers, tempDir: path.resolve(tempDir) }),
      );
      c.workload = workload;
      c.status = 'measured';
    } catch (error) {
      const unavailable = error instanceof ContenderUnavailableError;
      c.status = unavailable ? 'skipped' : 'failed';
      c.reason = unavailable ? describe(error) : `setup failed: ${describe(error)}`;
      context.log(`    ${workload.label}: ${unavailable ? 'skipped: ' : ''}${c.reason}`);
      await teardown(c, context);
    }
  }

  try {
    for (let round = 0; round < context.rounds && capped === undefined; round++) {
      for (const c of live) {
        const workload = c.workload;
        if (workload === null || c.status !== 'measured') continue;
        const remaining = deadline - performance.now();
        if (remaining <= 0) {
          capped = `time cap reached in round ${round + 1} of ${context.rounds}`;
          break;
        }
        try {
          const measurement = await withTimeCap(`${workload.key} round ${round + 1}`, remaining, (signal) =>
            workload.run({ round, warmUp: false, signal, plan: context.plan }),
          );
          c.rounds.push({ round, measurement, metrics: metricsOf(measurement, comparison) });
          const unit = comparison.metric === 'opsPerSec' ? 'ops/s' : 'msg/s';
          const rate = metricValue(measurement, 'msgPerSec');
          context.log(
            `    round ${round + 1} ${workload.label}: ${rate === null ? '-' : Math.round(rate).toLocaleString('en-US')} ${unit}` +
              (measurement.incomplete === undefined ? '' : ` (incomplete: ${measurement.incomplete})`),
          );
        } catch (error) {
          c.rounds.push({ round, metrics: {}, error: describe(error) });
          context.log(`    round ${round + 1} ${workload.label}: failed: ${describe(error)}`);
          // Two failed rounds in a row: the contender's state is not to be trusted any more.
          const last = c.rounds.slice(-2);
          if (last.length === 2 && last.every((r) => r.error !== undefined)) {
            c.status = 'failed';
            c.reason = `two rounds failed: ${describe(error)}`;
          }
        }
      }
    }
  } finally {
    for (const c of live) await teardown(c, context);
  }

  const contenders = live.map((c): ContenderResult => summarise(c));
  const ratios = computeRatios(comparison, contenders);
  return {
    id: comparison.id,
    title: comparison.title,
    metric: comparison.metric,
    note: comparison.note,
    contenders,
    ratios,
    targets: comparison.targets.map((t) => judge(t, contenders[0], ratios, context)),
    elapsedMs: performance.now() - began,
    capped,
  };
}

async function teardown(c: LiveContender, context: RunnerContext): Promise<void> {
  const workload = c.workload ?? (isNotYetBuilt(c.slot) ? null : c.slot);
  c.workload = null;
  if (workload !== null && c.tempDir !== null) {
    try {
      await withTimeCap(`${workload.key} teardown`, TEARDOWN_CAP_MS, () => workload.teardown());
    } catch (error) {
      context.log(`    ${workload.label}: teardown failed: ${describe(error)}`);
    }
  }
  await removeTempDir(c.tempDir);
  c.tempDir = null;
}

function summarise(c: LiveContender): ContenderResult {
  const slot = c.slot;
  const measuredRounds = c.rounds.filter((r) => r.measurement !== undefined);
  const summary: Partial<Record<MetricKey, Spread>> = {};
  const keys = new Set<MetricKey>(measuredRounds.flatMap((r) => Object.keys(r.metrics) as MetricKey[]));
  for (const key of keys) {
    const spread = spreadOf(measuredRounds.map((r) => r.metrics[key] ?? null));
    if (spread !== null) summary[key] = spread;
  }
  const workload = isNotYetBuilt(slot) ? null : slot;
  const neverMeasured = c.status === 'measured' && measuredRounds.length === 0;
  return {
    key: slot.key,
    label: slot.label,
    role: c.role,
    owner: workload?.owner ?? null,
    durability: workload?.durability ?? null,
    settings: workload?.settings ?? {},
    status: neverMeasured ? 'failed' : c.status,
    reason: neverMeasured ? (c.rounds.at(-1)?.error ?? 'no round measured') : c.reason,
    rounds: c.rounds,
    summary,
  };
}

function computeRatios(comparison: Comparison, contenders: readonly ContenderResult[]): RatioResult[] {
  const [subject, ...baselines] = contenders;
  const metrics = [comparison.metric, ...(comparison.alsoRatio ?? [])];
  const out: RatioResult[] = [];
  for (const baseline of baselines) {
    for (const metric of metrics) {
      const base = { baselineKey: baseline.key, baselineLabel: baseline.label, metric };
      if (subject.status !== 'measured') {
        out.push({
          ...base,
          comparable: false,
          reason: `ours ${subject.reason ?? subject.status}`,
          perRound: [],
          spread: null,
        });
        continue;
      }
      if (baseline.status !== 'measured') {
        out.push({
          ...base,
          comparable: false,
          reason: `baseline ${baseline.reason ?? baseline.status}`,
          perRound: [],
          spread: null,
        });
        continue;
      }
      const perRound = subject.rounds.map((r) => {
        const mine = r.metrics[metric];
        const theirs = baseline.rounds.find((b) => b.round === r.round)?.metrics[metric];
        return mine === undefined || theirs === undefined || theirs === 0 ? null : mine / theirs;
      });
      const comparable = subject.durability === baseline.durability;
      out.push({
        ...base,
        comparable,
        reason: comparable
          ? undefined
          : `durability differs (${subject.durability} vs ${baseline.durability}): reference only`,
        perRound,
        spread: spreadOf(perRound),
      });
    }
  }
  return out;
}

function verdictOf(value: number | null, threshold: number | null, higherIsBetter: boolean): Verdict {
  if (value === null || threshold === null) return 'not-measured';
  if (higherIsBetter ? value >= threshold : value <= threshold) return 'met';
  const noise = higherIsBetter ? value >= threshold * (1 - MISS_TOLERANCE) : value <= threshold * (1 + MISS_TOLERANCE);
  return noise ? 'within-noise' : 'missed';
}

function judge(
  target: Target,
  subject: ContenderResult,
  ratios: readonly RatioResult[],
  context: RunnerContext,
): TargetResult {
  const info = metricInfo(target.metric);
  const base = { level: target.level, text: target.text, metric: target.metric };
  const bound = target.bound;
  if ('baseline' in bound) {
    const ratio = ratios.find((r) => r.baselineKey === bound.baseline && r.metric === target.metric);
    const value = ratio?.comparable === true ? (ratio.spread?.median ?? null) : null;
    return { ...base, value, threshold: bound.factor, verdict: verdictOf(value, bound.factor, info.higherIsBetter) };
  }
  const value = subject.status === 'measured' ? (subject.summary[target.metric]?.median ?? null) : null;
  if ('absolute' in bound) {
    return {
      ...base,
      value,
      threshold: bound.absolute,
      verdict: verdictOf(value, bound.absolute, info.higherIsBetter),
    };
  }
  const probe = context.probe(bound.probe);
  const toMetricUnit = probe !== null && probe.unit === 'us' && info.unit === 'ms' ? 0.001 : 1;
  const threshold = probe === null ? null : probe.value * toMetricUnit * bound.factor;
  return { ...base, value, threshold, verdict: verdictOf(value, threshold, info.higherIsBetter) };
}
