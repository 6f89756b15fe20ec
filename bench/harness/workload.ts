/**
 * The contract between the runner and anything it measures. A workload is set up once, run once per round
 * (the runner interleaves it with the other contenders of its comparison), then torn down.
 */
import type { LatencySummary } from './latency-recorder.js';
import type { PeerEndpoint, PeerName } from '../peers/peer-server.js';

/**
 * What a confirmed send survives: `async` = a process crash (page cache; RocketMQ ASYNC_FLUSH, RabbitMQ classic,
 * JetStream defaults), `sync` = a power loss (fsync before the reply: SYNC_FLUSH, RabbitMQ quorum),
 * `none` = nothing is persisted (core NATS). Ratios are only computed between equal durabilities.
 */
export type Durability = 'async' | 'sync' | 'none';

/** Who a contender is: ours is the subject of a comparison, peers and our own earlier workloads are baselines. */
export type ContenderOwner = 'rocketnest' | 'peer';

export type SettingValue = string | number | boolean;

/** Everything the runner knows about the current round; `signal` fires at the workload's time cap. */
export interface RoundContext {
  /** 0-based round index; warm-up rounds are not counted and have `warmUp` set. */
  readonly round: number;
  readonly warmUp: boolean;
  readonly signal: AbortSignal;
  /** Sizes of this run (quick or full), already resolved from the CLI. */
  readonly plan: MeasurePlan;
}

export interface SetupContext {
  readonly signal: AbortSignal;
  readonly plan: MeasurePlan;
  /** Peers that were started or reused, by name; a contender that declared `requires` finds its endpoint here. */
  readonly peers: ReadonlyMap<PeerName, PeerEndpoint>;
  /** A fresh temp folder for this contender, removed after teardown. */
  readonly tempDir: string;
}

/** How much each round measures; `--quick` shrinks every field. */
export interface MeasurePlan {
  /** Messages sent and consumed before measuring, discarded. */
  readonly warmUpMessages: number;
  /** Stop measuring after this many messages... */
  readonly measureMessages: number;
  /** ...or after this long, whichever comes first. */
  readonly measureMs: number;
  /** Fixed-rate workloads run this long. */
  readonly fixedRateMs: number;
  /** Messages written before a drain (catch-up) round starts its consumer. */
  readonly drainMessages: number;
  /** How long to wait for messages still in flight once sending stopped. */
  readonly settleMs: number;
  readonly quick: boolean;
}

/** One round's measurement: raw counts and durations; the runner derives rates and per-message CPU. */
export interface RoundMeasurement {
  /** Messages measured end to end (consumed), or operations for a workload without a consumer. */
  readonly messages: number;
  /** Wall time of the measured phase, monotonic clock. */
  readonly durationMs: number;
  /** Messages whose send was confirmed during the measured phase, and how long sending took. */
  readonly sent?: { readonly messages: number; readonly durationMs: number };
  readonly bytes?: number;
  /** Send call to confirm. */
  readonly sendLatency?: LatencySummary;
  /** Scheduled send time to consume (born-to-consume); coordinated-omission free for fixed-rate loads. */
  readonly e2eLatency?: LatencySummary;
  /** CPU of this (client) process and of the server process(es), microseconds, over the measured phase. */
  readonly clientCpuUs: number;
  readonly serverCpuUs: number | null;
  /** Workload-specific figures: `messagesPerFdatasync`, `orderViolations`, `duplicates`, `timeToFirstSendMs`... */
  readonly extra?: Readonly<Record<string, number>>;
  /** Set when the round hit its time cap or lost messages: the figures are partial. */
  readonly incomplete?: string;
}

export interface Workload {
  /** Stable key, unique in a run: `rabbitmq-classic/window-64`. */
  readonly key: string;
  /** Printed name: `RabbitMQ classic durable queue`. */
  readonly label: string;
  readonly owner: ContenderOwner;
  readonly durability: Durability;
  /** Peer servers this workload needs; it is skipped with the peer's reason when one is missing. */
  readonly requires: readonly PeerName[];
  /** Printed in every run and saved with the results, so pairs can be checked for matched settings. */
  readonly settings: Readonly<Record<string, SettingValue>>;
  /** Rejects with ContenderUnavailableError when this machine cannot run it: the contender is then skipped. */
  setup(context: SetupContext): Promise<void>;
  run(context: RoundContext): Promise<RoundMeasurement>;
  teardown(): Promise<void>;
}

/**
 * Thrown by `setup` when something the contender needs is not on this machine (a JDK, a download): like a
 * missing peer, the contender is reported as skipped with this message, not as failed.
 */
export class ContenderUnavailableError extends Error {
  override readonly name = 'ContenderUnavailableError';
}
