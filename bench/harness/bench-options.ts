/** `npm run bench -- [flags]`: parsed once with node:util parseArgs into a frozen BenchOptions. */
import { parseArgs } from 'node:util';
import type { PeerName } from '../peers/peer-server.js';
import type { MeasurePlan } from './workload.js';

export const PEER_NAMES: readonly PeerName[] = ['rabbitmq', 'nats', 'redis'];

export interface BenchOptions {
  /** Comparison ids to run (`W1`, `W3` = W3 and its `W3-*` variants); empty = all. */
  readonly only: readonly string[];
  readonly rounds: number;
  readonly quick: boolean;
  readonly peers: readonly PeerName[];
  /** apt-get install a missing peer server (root only). */
  readonly installPeers: boolean;
  /** Use a server already listening on the peer's standard port instead of starting one. */
  readonly reusePeers: boolean;
  /** Hard cap for one workload (a contender: setup and all its rounds) and for the whole run, seconds. */
  readonly workloadCapS: number;
  readonly runCapS: number;
  readonly skipProbes: boolean;
  readonly resultsDir: string;
  readonly list: boolean;
  readonly help: boolean;
  readonly plan: MeasurePlan;
}

export const FULL_PLAN: MeasurePlan = Object.freeze({
  warmUpMessages: 10_000,
  measureMessages: 100_000,
  measureMs: 10_000,
  fixedRateMs: 10_000,
  drainMessages: 100_000,
  settleMs: 15_000,
  quick: false,
});

export const QUICK_PLAN: MeasurePlan = Object.freeze({
  warmUpMessages: 1_000,
  measureMessages: 20_000,
  measureMs: 1_500,
  fixedRateMs: 2_000,
  drainMessages: 10_000,
  settleMs: 5_000,
  quick: true,
});

export const DEFAULT_BENCH_OPTIONS: Readonly<Omit<BenchOptions, 'plan'>> = Object.freeze({
  only: [],
  rounds: 3,
  quick: false,
  peers: PEER_NAMES,
  installPeers: true,
  reusePeers: true,
  workloadCapS: 150,
  runCapS: 3600,
  skipProbes: false,
  resultsDir: 'bench/results',
  list: false,
  help: false,
});

const QUICK_DEFAULTS = Object.freeze({ rounds: 2, workloadCapS: 30, runCapS: 420 });

export const USAGE = `Usage: npm run bench -- [options]
  --only W1,W5         run only these comparisons (W3 also selects W3-1, W3-64)
  --rounds N           interleaved rounds per comparison (default 3, quick 2)
  --quick              short smoke run: small message counts, ~1.5 s per measurement
  --peers a,b          peers to start or reuse: rabbitmq,nats,redis (default all)
  --no-install         never apt-get install a missing peer server
  --no-reuse           always start our own peer servers, even if one listens on the standard port
  --workload-cap S     hard cap per workload (one contender, all rounds), seconds (default 150, quick 30)
  --run-cap S          hard cap for the whole run, seconds (default 3600, quick 420)
  --skip-probes        do not measure the physical limits
  --results-dir DIR    where the JSON and the SVG chart go (default bench/results)
  --list               print the comparisons and exit
  --help`;

export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

function positiveInt(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new BenchUsageError(`${flag} wants a positive integer, got "${raw}"`);
  return n;
}

function list(raw: string | undefined): string[] {
  return raw === undefined
    ? []
    : raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
}

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        only: { type: 'string' },
        rounds: { type: 'string' },
        quick: { type: 'boolean' },
        peers: { type: 'string' },
        'no-install': { type: 'boolean' },
        'no-reuse': { type: 'boolean' },
        'workload-cap': { type: 'string' },
        'run-cap': { type: 'string' },
        'skip-probes': { type: 'boolean' },
        'results-dir': { type: 'string' },
        list: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (cause) {
    throw new BenchUsageError(cause instanceof Error ? cause.message : String(cause), { cause });
  }
  const v = parsed.values;
  const quick = v.quick ?? DEFAULT_BENCH_OPTIONS.quick;
  const peers = v.peers === undefined ? DEFAULT_BENCH_OPTIONS.peers : list(v.peers);
  for (const peer of peers) {
    if (!PEER_NAMES.includes(peer as PeerName))
      throw new BenchUsageError(`unknown peer "${peer}" (known: ${PEER_NAMES.join(', ')})`);
  }
  return Object.freeze({
    only: list(v.only).map((id) => id.toUpperCase()),
    rounds: positiveInt(v.rounds, '--rounds') ?? (quick ? QUICK_DEFAULTS.rounds : DEFAULT_BENCH_OPTIONS.rounds),
    quick,
    peers: peers as PeerName[],
    installPeers: !(v['no-install'] ?? false),
    reusePeers: !(v['no-reuse'] ?? false),
    workloadCapS:
      positiveInt(v['workload-cap'], '--workload-cap') ??
      (quick ? QUICK_DEFAULTS.workloadCapS : DEFAULT_BENCH_OPTIONS.workloadCapS),
    runCapS: positiveInt(v['run-cap'], '--run-cap') ?? (quick ? QUICK_DEFAULTS.runCapS : DEFAULT_BENCH_OPTIONS.runCapS),
    skipProbes: v['skip-probes'] ?? DEFAULT_BENCH_OPTIONS.skipProbes,
    resultsDir: v['results-dir'] ?? DEFAULT_BENCH_OPTIONS.resultsDir,
    list: v.list ?? false,
    help: v.help ?? false,
    plan: quick ? QUICK_PLAN : FULL_PLAN,
  });
}

/** `W3` selects `W3` and `W3-64`, never `W30`. */
export function isSelected(id: string, only: readonly string[]): boolean {
  if (only.length === 0) return true;
  const upper = id.toUpperCase();
  return only.some((want) => upper === want || upper.startsWith(`${want}-`));
}
