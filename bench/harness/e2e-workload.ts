/**
 * Turns a MessagingAdapter into a Workload. One round: purge, warm up (discarded), then measure one of three
 * load shapes, with the consumer running in this process and every message acked one by one:
 *  - window: at most `inFlight` sends awaiting their confirm (or their consumption, for a transport without
 *    confirms), until `measureMessages` or `measureMs`;
 *  - fixed-rate: open loop at `perSecond` for `fixedRateMs`, latency from each message's scheduled time;
 *  - drain: `drainMessages` written with no consumer, then one consumer drains them (catch-up read).
 */
import { CpuMeter } from './cpu-meter.js';
import { LatencyRecorder } from './latency-recorder.js';
import type { MessagingAdapter } from './messaging-adapter.js';
import { DEFAULT_PAYLOAD_BYTES, newRunId, type Stamp } from './payload-stamp.js';
import type {
  ContenderOwner,
  Durability,
  RoundContext,
  RoundMeasurement,
  SettingValue,
  SetupContext,
  Workload,
} from './workload.js';
import type { PeerName } from '../peers/peer-server.js';

export type LoadShape =
  | {
      readonly kind: 'window';
      readonly inFlight: number;
      readonly releaseOn?: 'confirm' | 'consume';
      /** Sent but not yet consumed, at most: default max(4 x inFlight, 4000). */
      readonly maxBacklog?: number;
    }
  | { readonly kind: 'fixed-rate'; readonly perSecond: number; readonly maxInFlight?: number }
  | { readonly kind: 'drain'; readonly preloadInFlight: number };

export interface E2eWorkloadOptions {
  readonly key: string;
  readonly label: string;
  readonly owner: ContenderOwner;
  readonly durability: Durability;
  readonly requires?: readonly PeerName[];
  /** Printed with the load shape and payload size. */
  readonly settings?: Readonly<Record<string, SettingValue>>;
  readonly load: LoadShape;
  readonly payloadBytes?: number;
  /** Connects, declares queues/streams/topics; called once per comparison, closed in teardown. */
  connect(context: SetupContext): Promise<MessagingAdapter>;
}

/** Window used for warm-up in shapes that have none of their own. */
const WARM_UP_WINDOW = 64;
/** Fixed-rate loads stop scheduling (and count the backlog as latency) past this many unconfirmed sends. */
const DEFAULT_MAX_IN_FLIGHT = 10_000;
const DEFAULT_MIN_BACKLOG = 4000;

export class BenchRunError extends Error {
  override readonly name = 'BenchRunError';
}

/**
 * A producer faster than its consumer would otherwise build an unbounded backlog: the round would time a
 * drain after sending stopped, not the steady state. Sending pauses at this many unconsumed messages.
 */
function backlogOf(load: Extract<LoadShape, { kind: 'window' }>): number {
  return load.maxBacklog ?? Math.max(4 * load.inFlight, DEFAULT_MIN_BACKLOG);
}

export function describeLoad(load: LoadShape): Record<string, SettingValue> {
  switch (load.kind) {
    case 'window':
      return {
        load: 'window',
        inFlight: load.inFlight,
        windowReleasedOn: load.releaseOn ?? 'confirm',
        maxBacklog: backlogOf(load),
      };
    case 'fixed-rate':
      return { load: 'fixed rate', perSecond: load.perSecond };
    case 'drain':
      return { load: 'drain (catch-up)', preloadInFlight: load.preloadInFlight };
  }
}

/** Counts deliveries of the current run: first-time consumptions, duplicates, and e2e latency from the stamp. */
class DeliveryTracker {
  private readonly seen: Uint8Array;
  consumed = 0;
  measuredConsumed = 0;
  duplicates = 0;
  lastConsumeMs = 0;
  /** Called after every first-time delivery, for windows released on consumption. */
  onConsumed: ((seq: number) => void) | null = null;
  private waiter: { target: number; resolve: () => void } | null = null;

  constructor(
    readonly run: number,
    capacity: number,
    private readonly measuredFrom: number,
    private readonly latency: LatencyRecorder | null,
  ) {
    this.seen = new Uint8Array(capacity);
  }

  readonly deliver = (stamp: Stamp): void => {
    if (stamp.run !== this.run || stamp.seq >= this.seen.length) return;
    if (this.seen[stamp.seq] === 1) {
      this.duplicates++;
      return;
    }
    this.seen[stamp.seq] = 1;
    const now = performance.now();
    this.consumed++;
    this.lastConsumeMs = now;
    if (stamp.seq >= this.measuredFrom) {
      this.measuredConsumed++;
      this.latency?.record(now - stamp.scheduledMs);
    }
    this.onConsumed?.(stamp.seq);
    if (this.waiter !== null && this.consumed >= this.waiter.target) {
      const { resolve } = this.waiter;
      this.waiter = null;
      resolve();
    }
  };

  /** Waits until `target` messages in total were consumed; false on timeout or abort. */
  async waitConsumed(target: number, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    if (this.consumed >= target) return true;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const reached = await new Promise<boolean>((resolve) => {
      this.waiter = { target, resolve: () => resolve(true) };
      timer = setTimeout(() => resolve(false), timeoutMs);
      onAbort = () => resolve(false);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    clearTimeout(timer);
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
    this.waiter = null;
    return reached;
  }
}

interface SendPhase {
  readonly sent: number;
  readonly confirmed: number;
  readonly lastConfirmMs: number;
  readonly error: unknown;
}

interface WindowPlan {
  readonly firstSeq: number;
  readonly count: number;
  readonly untilMs: number;
  readonly inFlight: number;
  readonly releaseOn: 'confirm' | 'consume';
  /** Sent and not yet consumed, at most (Infinity when no consumer runs). */
  readonly maxBacklog: number;
}

/** Closed loop: keeps `inFlight` sends open until count or time runs out; resolves once every send settled. */
function sendWindow(
  adapter: MessagingAdapter,
  tracker: DeliveryTracker,
  plan: WindowPlan,
  sendLatency: LatencyRecorder | null,
  signal: AbortSignal,
): Promise<SendPhase> {
  return new Promise((resolve) => {
    let next = plan.firstSeq;
    const end = plan.firstSeq + plan.count;
    let open = 0;
    let sent = 0;
    let settled = 0;
    let confirmed = 0;
    let lastConfirmMs = performance.now();
    let stopped = false;
    let error: unknown = null;
    let finished = false;
    const finish = (): void => {
      if (finished || !stopped || settled < sent) return;
      finished = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', stop);
      tracker.onConsumed = null;
      resolve({ sent, confirmed, lastConfirmMs, error });
    };
    const stop = (): void => {
      stopped = true;
      finish();
    };
    // No timer for an unbounded phase: setTimeout turns Infinity into 1 ms.
    const timer = Number.isFinite(plan.untilMs)
      ? setTimeout(stop, Math.max(0, plan.untilMs - performance.now()))
      : undefined;
    signal.addEventListener('abort', stop, { once: true });
    let consumed = 0;
    const pump = (): void => {
      while (!stopped && open < plan.inFlight && sent - consumed < plan.maxBacklog) {
        if (next >= end || performance.now() >= plan.untilMs || signal.aborted) {
          stopped = true;
          break;
        }
        const seq = next++;
        open++;
        sent++;
        const began = performance.now();
        adapter.send({ run: tracker.run, seq, scheduledMs: began }).then(
          () => {
            const now = performance.now();
            settled++;
            confirmed++;
            lastConfirmMs = now;
            sendLatency?.record(now - began);
            if (plan.releaseOn === 'confirm') open--;
            pump();
          },
          (cause: unknown) => {
            settled++;
            error ??= cause;
            stopped = true;
            finish();
          },
        );
      }
      finish();
    };
    tracker.onConsumed = (seq) => {
      if (seq < plan.firstSeq || seq >= end) return;
      consumed++;
      if (plan.releaseOn === 'consume') open--;
      pump();
    };
    pump();
  });
}

/** Open loop at a fixed rate; each message is stamped with its scheduled time, so queueing shows as latency. */
function sendFixedRate(
  adapter: MessagingAdapter,
  tracker: DeliveryTracker,
  firstSeq: number,
  perSecond: number,
  durationMs: number,
  maxInFlight: number,
  sendLatency: LatencyRecorder,
  signal: AbortSignal,
): Promise<SendPhase & { behindMs: number }> {
  return new Promise((resolve) => {
    const total = Math.max(1, Math.floor((perSecond * durationMs) / 1000));
    const intervalMs = 1000 / perSecond;
    const t0 = performance.now();
    let index = 0;
    let open = 0;
    let sent = 0;
    let settled = 0;
    let confirmed = 0;
    let lastConfirmMs = t0;
    let error: unknown = null;
    let stopped = false;
    let behindMs = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      if (!stopped || settled < sent) return;
      clearTimeout(timer);
      resolve({ sent, confirmed, lastConfirmMs, error, behindMs });
    };
    const tick = (): void => {
      timer = undefined;
      const now = performance.now();
      while (!stopped && index < total && open < maxInFlight) {
        const scheduledMs = t0 + index * intervalMs;
        if (scheduledMs > now) break;
        behindMs = Math.max(behindMs, now - scheduledMs);
        const seq = firstSeq + index++;
        open++;
        sent++;
        const began = performance.now();
        adapter.send({ run: tracker.run, seq, scheduledMs }).then(
          () => {
            const at = performance.now();
            settled++;
            confirmed++;
            open--;
            lastConfirmMs = at;
            sendLatency.record(at - began);
            finish();
          },
          (cause: unknown) => {
            settled++;
            open--;
            error ??= cause;
            stopped = true;
            finish();
          },
        );
      }
      if (index >= total || signal.aborted) stopped = true;
      if (stopped) {
        finish();
        return;
      }
      // Timers fire at 1 ms granularity: a late tick sends everything that fell due, stamped with its schedule.
      const due = t0 + index * intervalMs - performance.now();
      timer = setTimeout(tick, open >= maxInFlight ? 1 : Math.max(0, due));
    };
    tick();
  });
}

/** Counter increases over a phase, plus messages per increase (`fdatasync` -> `messagesPerFdatasync`). */
function counterFigures(
  before: Readonly<Record<string, number>>,
  after: Readonly<Record<string, number>>,
  messages: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, end] of Object.entries(after)) {
    const delta = end - (before[name] ?? 0);
    out[name] = delta;
    if (delta > 0) out[`messagesPer${name.charAt(0).toUpperCase()}${name.slice(1)}`] = messages / delta;
  }
  return out;
}

async function readCounters(adapter: MessagingAdapter): Promise<Readonly<Record<string, number>>> {
  return adapter.readCounters === undefined ? {} : adapter.readCounters();
}

class E2eWorkload implements Workload {
  readonly key: string;
  readonly label: string;
  readonly owner: ContenderOwner;
  readonly durability: Durability;
  readonly requires: readonly PeerName[];
  readonly settings: Readonly<Record<string, SettingValue>>;
  private adapter: MessagingAdapter | null = null;

  constructor(private readonly options: E2eWorkloadOptions) {
    this.key = options.key;
    this.label = options.label;
    this.owner = options.owner;
    this.durability = options.durability;
    this.requires = options.requires ?? [];
    this.settings = {
      ...describeLoad(options.load),
      payloadBytes: options.payloadBytes ?? DEFAULT_PAYLOAD_BYTES,
      ackPerMessage: true,
      ...options.settings,
    };
  }

  async setup(context: SetupContext): Promise<void> {
    this.adapter = await this.options.connect(context);
  }

  async teardown(): Promise<void> {
    const adapter = this.adapter;
    this.adapter = null;
    if (adapter !== null) await adapter.close();
  }

  async run(context: RoundContext): Promise<RoundMeasurement> {
    const adapter = this.adapter;
    if (adapter === null) throw new BenchRunError(`${this.key}: run before setup`);
    await adapter.purge();
    const load = this.options.load;
    return load.kind === 'drain' ? this.runDrain(adapter, context, load) : this.runLive(adapter, context, load);
  }

  /** Window and fixed-rate rounds: the consumer runs from the start; warm-up then measurement. */
  private async runLive(
    adapter: MessagingAdapter,
    context: RoundContext,
    load: Exclude<LoadShape, { kind: 'drain' }>,
  ): Promise<RoundMeasurement> {
    const { plan, signal } = context;
    const warmUp = plan.warmUpMessages;
    const measureCap =
      load.kind === 'window' ? plan.measureMessages : Math.ceil((load.perSecond * plan.fixedRateMs) / 1000);
    const e2eLatency = new LatencyRecorder();
    const sendLatency = new LatencyRecorder();
    const tracker = new DeliveryTracker(newRunId(), warmUp + measureCap, warmUp, e2eLatency);
    const releaseOn = load.kind === 'window' ? (load.releaseOn ?? 'confirm') : 'confirm';
    await adapter.startConsumer(tracker.deliver);
    try {
      const warmWindow = load.kind === 'window' ? load.inFlight : WARM_UP_WINDOW;
      const warm = await sendWindow(
        adapter,
        tracker,
        {
          firstSeq: 0,
          count: warmUp,
          untilMs: performance.now() + plan.settleMs * 4,
          inFlight: warmWindow,
          releaseOn,
          maxBacklog: load.kind === 'window' ? backlogOf(load) : DEFAULT_MIN_BACKLOG,
        },
        null,
        signal,
      );
      if (warm.error !== null) throw new BenchRunError(`${this.key}: send failed in warm-up`, { cause: warm.error });
      const warmedUp = await tracker.waitConsumed(warm.sent, plan.settleMs, signal);

      const countersBefore = await readCounters(adapter);
      const cpu = new CpuMeter(adapter.serverPids);
      const startMs = performance.now();
      const phase: SendPhase & { behindMs?: number } =
        load.kind === 'window'
          ? await sendWindow(
              adapter,
              tracker,
              {
                firstSeq: warmUp,
                count: measureCap,
                untilMs: startMs + plan.measureMs,
                inFlight: load.inFlight,
                releaseOn,
                maxBacklog: backlogOf(load),
              },
              sendLatency,
              signal,
            )
          : await sendFixedRate(
              adapter,
              tracker,
              warmUp,
              load.perSecond,
              plan.fixedRateMs,
              load.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
              sendLatency,
              signal,
            );
      const allConsumed = await tracker.waitConsumed(warm.sent + phase.sent, plan.settleMs, signal);
      const cpuUsed = cpu.stop();
      const counters = counterFigures(countersBefore, await readCounters(adapter), tracker.measuredConsumed);
      if (phase.error !== null) throw new BenchRunError(`${this.key}: send failed`, { cause: phase.error });
      const endMs = allConsumed ? tracker.lastConsumeMs : performance.now();
      const lost = phase.sent - tracker.measuredConsumed;
      const extra: Record<string, number> = { ...counters, duplicates: tracker.duplicates };
      if (lost > 0) extra['unconsumed'] = lost;
      if (phase.behindMs !== undefined) extra['senderBehindMaxMs'] = phase.behindMs;
      const problems = [
        warmedUp ? '' : 'warm-up messages still unconsumed',
        allConsumed ? '' : `${lost} of ${phase.sent} messages unconsumed after ${plan.settleMs} ms`,
        signal.aborted ? 'time cap reached' : '',
      ].filter((p) => p !== '');
      return {
        messages: tracker.measuredConsumed,
        durationMs: endMs - startMs,
        sent: { messages: phase.confirmed, durationMs: phase.lastConfirmMs - startMs },
        bytes: tracker.measuredConsumed * (this.options.payloadBytes ?? DEFAULT_PAYLOAD_BYTES),
        sendLatency: sendLatency.summary() ?? undefined,
        e2eLatency: e2eLatency.summary() ?? undefined,
        clientCpuUs: cpuUsed.clientUs,
        serverCpuUs: cpuUsed.serverUs,
        extra,
        incomplete: problems.length > 0 ? problems.join('; ') : undefined,
      };
    } finally {
      await adapter.stopConsumer();
    }
  }

  /** Catch-up read: warm up live, write the backlog with no consumer, then time one consumer draining it. */
  private async runDrain(
    adapter: MessagingAdapter,
    context: RoundContext,
    load: Extract<LoadShape, { kind: 'drain' }>,
  ): Promise<RoundMeasurement> {
    const { plan, signal } = context;
    const warmUp = plan.warmUpMessages;
    const backlog = plan.drainMessages;
    const tracker = new DeliveryTracker(newRunId(), warmUp + backlog, warmUp, null);
    await adapter.startConsumer(tracker.deliver);
    let warmedUp: boolean;
    try {
      const warm = await sendWindow(
        adapter,
        tracker,
        {
          firstSeq: 0,
          count: warmUp,
          untilMs: performance.now() + plan.settleMs * 4,
          inFlight: load.preloadInFlight,
          releaseOn: 'confirm',
          maxBacklog: DEFAULT_MIN_BACKLOG,
        },
        null,
        signal,
      );
      if (warm.error !== null) throw new BenchRunError(`${this.key}: send failed in warm-up`, { cause: warm.error });
      warmedUp = await tracker.waitConsumed(warm.sent, plan.settleMs, signal);
    } finally {
      await adapter.stopConsumer();
    }
    const preloadStart = performance.now();
    const preload = await sendWindow(
      adapter,
      tracker,
      {
        firstSeq: warmUp,
        count: backlog,
        // Writing the backlog is not measured; it only has to finish within the workload's cap.
        untilMs: Number.POSITIVE_INFINITY,
        inFlight: load.preloadInFlight,
        releaseOn: 'confirm',
        // No consumer runs while the backlog is written.
        maxBacklog: Number.POSITIVE_INFINITY,
      },
      null,
      signal,
    );
    if (preload.error !== null)
      throw new BenchRunError(`${this.key}: send failed in preload`, { cause: preload.error });
    const preloadMs = performance.now() - preloadStart;
    const consumedBefore = tracker.consumed;
    const countersBefore = await readCounters(adapter);
    const cpu = new CpuMeter(adapter.serverPids);
    const startMs = performance.now();
    await adapter.startConsumer(tracker.deliver);
    let drained: boolean;
    try {
      drained = await tracker.waitConsumed(consumedBefore + preload.sent, plan.settleMs * 4, signal);
    } finally {
      await adapter.stopConsumer();
    }
    const cpuUsed = cpu.stop();
    const counters = counterFigures(countersBefore, await readCounters(adapter), tracker.measuredConsumed);
    const endMs = drained ? tracker.lastConsumeMs : performance.now();
    const problems = [
      warmedUp ? '' : 'warm-up messages still unconsumed',
      drained ? '' : `${preload.sent - tracker.measuredConsumed} of ${preload.sent} messages not drained`,
    ].filter((p) => p !== '');
    return {
      messages: tracker.measuredConsumed,
      durationMs: endMs - startMs,
      bytes: tracker.measuredConsumed * (this.options.payloadBytes ?? DEFAULT_PAYLOAD_BYTES),
      clientCpuUs: cpuUsed.clientUs,
      serverCpuUs: cpuUsed.serverUs,
      extra: {
        ...counters,
        duplicates: tracker.duplicates,
        backlogWritePerSec: (preload.confirmed * 1000) / preloadMs,
      },
      incomplete: problems.length > 0 ? problems.join('; ') : undefined,
    };
  }
}

export function e2eWorkload(options: E2eWorkloadOptions): Workload {
  return new E2eWorkload(options);
}
