/**
 * Runs every physical-limit probe in turn, and compares the start and end measurements of a run: if any
 * figure moved more than 25%, the machine changed under us and the run is marked noisy.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { relativeChange } from '../harness/spread-stats.js';
import { diskProbe } from './disk.probe.js';
import { echoPipelineProbe } from './echo-pipeline.probe.js';
import { frameSplitProbe } from './frame-split.probe.js';
import { loopbackThroughputProbe } from './loopback-throughput.probe.js';
import type { Probe, ProbeFigure } from './probe.js';
import { tcpRttProbe } from './tcp-rtt.probe.js';

export const PROBES: readonly Probe[] = [
  loopbackThroughputProbe,
  tcpRttProbe,
  diskProbe,
  echoPipelineProbe,
  frameSplitProbe,
];

export const NOISE_THRESHOLD = 0.25;

export interface ProbeRun {
  readonly figures: ProbeFigure[];
  /** Probes that threw, with why: printed, never fatal. */
  readonly failures: { readonly probe: string; readonly reason: string }[];
}

/**
 * Writes back dirty pages first: servers stopped just before the end probes leave writeback behind that
 * would otherwise land in the fdatasync figures of the end probes and nowhere else.
 */
async function flushDirtyPages(log: (line: string) => void): Promise<void> {
  try {
    await promisify(execFile)('sync', [], { timeout: 60_000 });
  } catch (error) {
    log(`  sync before the probes failed: ${String(error)}`);
  }
}

export async function runProbes(budgetMsPerProbe: number, log: (line: string) => void): Promise<ProbeRun> {
  const figures: ProbeFigure[] = [];
  const failures: { probe: string; reason: string }[] = [];
  await flushDirtyPages(log);
  for (const probe of PROBES) {
    try {
      figures.push(...(await probe.run(budgetMsPerProbe)));
    } catch (error) {
      failures.push({ probe: probe.name, reason: error instanceof Error ? error.message : String(error) });
      log(`  probe "${probe.name}" failed: ${String(error)}`);
    }
  }
  return { figures, failures };
}

export interface ProbeDrift {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly reference: string;
  readonly start: number;
  readonly end: number | null;
  /** |end - start| / start. */
  readonly change: number | null;
  readonly moved: boolean;
}

export function compareProbes(start: ProbeRun, end: ProbeRun | null): { drifts: ProbeDrift[]; noisy: boolean } {
  const drifts = start.figures.map((figure): ProbeDrift => {
    const later = end?.figures.find((f) => f.key === figure.key) ?? null;
    const change = later === null ? null : relativeChange(figure.value, later.value);
    return {
      key: figure.key,
      label: figure.label,
      unit: figure.unit,
      reference: figure.reference,
      start: figure.value,
      end: later === null ? null : later.value,
      change,
      moved: change !== null && change > NOISE_THRESHOLD,
    };
  });
  return { drifts, noisy: drifts.some((d) => d.moved) };
}
