/**
 * A single-thread CPU micro-benchmark as a Workload: `step()` does a fixed batch of operations and returns how
 * many; a round repeats it for the plan's measure time (after a short untimed JIT warm-up) and reports
 * operations per second. Nothing is persisted: durability 'none', so codec ratios are always computed.
 */
import type { RoundContext, RoundMeasurement, SettingValue, Workload } from '../../harness/workload.js';

export interface CpuLoopOptions {
  readonly key: string;
  readonly label: string;
  readonly owner: 'rocketnest' | 'peer';
  readonly settings: Readonly<Record<string, SettingValue>>;
  /** Builds the step once per contender (inputs encoded outside the timed loop). */
  prepare(): () => number;
}

const WARM_UP_MS = 100;

const cpuOf = (usage: NodeJS.CpuUsage): number => usage.user + usage.system;

export function cpuLoopWorkload(options: CpuLoopOptions): Workload {
  let step: (() => number) | null = null;
  return {
    key: options.key,
    label: options.label,
    owner: options.owner,
    durability: 'none',
    requires: [],
    settings: options.settings,
    async setup() {
      step = options.prepare();
      const until = performance.now() + WARM_UP_MS;
      while (performance.now() < until) step();
    },
    async run(context: RoundContext): Promise<RoundMeasurement> {
      if (step === null) throw new Error(`${options.key}: run before setup`);
      const cpuBefore = process.cpuUsage();
      const start = performance.now();
      const deadline = start + Math.min(context.plan.measureMs, 3000);
      let ops = 0;
      while (performance.now() < deadline && !context.signal.aborted) ops += step();
      const durationMs = performance.now() - start;
      return { messages: ops, durationMs, clientCpuUs: cpuOf(process.cpuUsage(cpuBefore)), serverCpuUs: null };
    },
    async teardown() {
      step = null;
    },
  };
}
