/**
 * W10: restart after kill -9 with a full commit log. Setup starts our broker (ASYNC_FLUSH, own process, data
 * in the contender's temp folder) and fills its commit log through the client (batches of 64 KiB bodies,
 * many in flight). Each round reads the broker's offsets, kills it with SIGKILL, starts it again on the same
 * data folder and ports, and measures spawn -> first SEND_OK of a fresh producer that poll-sends from the
 * moment of the spawn. After the restart the commit-log and topic offsets must not be below what the broker
 * had acknowledged before the kill; otherwise the round is marked incomplete.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Admin, Producer, type Message } from '@rocketnest/client';
import { processCpuUs, type ContenderSlot, type RoundMeasurement, type Workload } from '../../harness/index.js';
import type { RoundContext, SetupContext } from '../../harness/workload.js';
import { benchName } from '../load-key.js';
import { startRocketnestBroker, type RocketnestBroker } from './rocketnest-broker.js';

const KEY = 'rocketnest-restart/1gib';
const LABEL = 'Rocketnest restart after kill -9';
const GIB = 1024 * 1024 * 1024;
const MIB = 1024 * 1024;
/**
 * Full run: BENCHMARKS.md's 1 GiB (filled in about 4 s here). Quick: a smoke-run size; the process start-up
 * is a fixed cost, so its restartMsPerGiB reads higher than a full run's.
 */
const FILL_BYTES_FULL = GIB;
const FILL_BYTES_QUICK = 256 * MIB;
const BODY_BYTES = 64 * 1024;
const BATCH_MESSAGES = 16;
const BATCHES_IN_FLIGHT = 16;
const QUEUES = 8;
/** The probe producer: one attempt per send, short budget, next try after this pause. */
const PROBE_SEND_TIMEOUT_MS = 1000;
const PROBE_PAUSE_MS = 10;
/** A restart that has not answered a send by then failed. */
const RESTART_TIMEOUT_MS = 120_000;

interface BrokerOffsets {
  readonly commitLogMaxOffset: number;
  /** Sum of the max offsets of the topic's queues: messages indexed by the consume queues. */
  readonly topicMessages: number;
}

class RestartWorkload implements Workload {
  readonly key = KEY;
  readonly label = LABEL;
  readonly owner = 'rocketnest' as const;
  readonly durability = 'async' as const;
  readonly requires = [] as const;
  readonly settings = {
    broker: 'rocketnest standalone (own process)',
    flushDiskType: 'ASYNC_FLUSH',
    fill: `sendBatch ${BATCH_MESSAGES} x ${BODY_BYTES / 1024} KiB, ${BATCHES_IN_FLIGHT} batches in flight, ${QUEUES} queues`,
    commitLog: `${FILL_BYTES_FULL / MIB} MiB (quick: ${FILL_BYTES_QUICK / MIB} MiB; fixed start-up cost then weighs more per GiB)`,
    kill: 'SIGKILL, restart on the same data folder and ports',
    measured: `spawn -> first SEND_OK of a fresh producer (one attempt per send, ${PROBE_SEND_TIMEOUT_MS} ms timeout, retried every ${PROBE_PAUSE_MS} ms from spawn)`,
  };

  private broker: RocketnestBroker | null = null;
  private dataDir = '';
  private topic = '';
  private ports: { namesrvPort: number; brokerPort: number } | null = null;
  private instances = 0;

  async setup(context: SetupContext): Promise<void> {
    this.dataDir = context.tempDir;
    this.topic = benchName(KEY);
    const broker = await startRocketnestBroker({ dataDir: this.dataDir, flush: 'ASYNC_FLUSH', signal: context.signal });
    this.broker = broker;
    this.ports = {
      namesrvPort: Number(broker.namesrvAddr.slice(broker.namesrvAddr.lastIndexOf(':') + 1)),
      brokerPort: broker.brokerPort,
    };
    const admin = this.admin();
    await admin.start();
    try {
      await admin.createTopic(this.topic, { queueNums: QUEUES });
    } finally {
      await admin.shutdown();
    }
    await this.fill(context.plan.quick ? FILL_BYTES_QUICK : FILL_BYTES_FULL, context.signal);
  }

  /** Sends `bytes` of bodies in batches, BATCHES_IN_FLIGHT at a time; every batch must come back SEND_OK. */
  private async fill(bytes: number, signal: AbortSignal): Promise<void> {
    const producer = this.producer(3000);
    await producer.start();
    try {
      await waitForRoute(producer, this.topic, signal);
      const body = randomBytes(BODY_BYTES);
      const batch: Message[] = Array.from({ length: BATCH_MESSAGES }, () => ({ topic: this.topic, body }));
      const batches = Math.ceil(bytes / (BODY_BYTES * BATCH_MESSAGES));
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < batches) {
          if (signal.aborted) throw new Error(`fill aborted at the time cap after ${next} of ${batches} batches`);
          next++;
          const result = await producer.sendBatch(batch);
          if (result.sendStatus !== 'SEND_OK') throw new Error(`fill batch answered ${result.sendStatus}`);
        }
      };
      await Promise.all(Array.from({ length: BATCHES_IN_FLIGHT }, lane));
    } finally {
      await producer.shutdown();
    }
  }

  async run(context: RoundContext): Promise<RoundMeasurement> {
    const broker = this.broker;
    const ports = this.ports;
    if (broker === null || ports === null) throw new Error('W10 run before setup');
    const before = await this.readOffsets();
    const clientCpuStart = process.cpuUsage();
    await broker.process.kill();
    this.broker = null;

    const spawned = performance.now();
    const stopProbing = new AbortController();
    const onCap = (): void => stopProbing.abort();
    context.signal.addEventListener('abort', onCap, { once: true });
    let firstSendMs: number;
    let serverCpuUs: number | null;
    try {
      // Settled into a value at once: it may fail while the broker is still starting.
      const probe = this.probeUntilSendOk(spawned, stopProbing.signal).then(
        (ms) => ({ ms }),
        (error: unknown) => ({ error }),
      );
      let restarted: RocketnestBroker;
      try {
        restarted = await startRocketnestBroker({
          dataDir: this.dataDir,
          flush: 'ASYNC_FLUSH',
          signal: context.signal,
          namesrvPort: ports.namesrvPort,
          brokerPort: ports.brokerPort,
        });
      } catch (error) {
        stopProbing.abort();
        await probe;
        throw error;
      }
      this.broker = restarted;
      const probed = await probe;
      if ('error' in probed) throw probed.error;
      firstSendMs = probed.ms;
      // The process started at the spawn: its CPU so far is the restart's.
      serverCpuUs = processCpuUs(restarted.process.pid);
    } finally {
      context.signal.removeEventListener('abort', onCap);
    }
    const clientCpu = process.cpuUsage(clientCpuStart);

    const after = await this.readOffsets();
    const lost: string[] = [];
    if (after.commitLogMaxOffset < before.commitLogMaxOffset)
      lost.push(`commit log max offset ${after.commitLogMaxOffset} < ${before.commitLogMaxOffset} before the kill`);
    if (after.topicMessages < before.topicMessages)
      lost.push(`topic queues hold ${after.topicMessages} messages < ${before.topicMessages} before the kill`);
    const commitLogGiB = before.commitLogMaxOffset / GIB;
    return {
      messages: 1,
      durationMs: firstSendMs,
      clientCpuUs: clientCpu.user + clientCpu.system,
      serverCpuUs,
      extra: {
        timeToFirstSendMs: firstSendMs,
        commitLogGiB,
        restartMsPerGiB: firstSendMs / commitLogGiB,
      },
      incomplete: lost.length === 0 ? undefined : `acknowledged data lost: ${lost.join('; ')}`,
    };
  }

  /** A fresh producer sends one small message again and again until SEND_OK; ms since `spawned`. */
  private async probeUntilSendOk(spawned: number, signal: AbortSignal): Promise<number> {
    const producer = this.producer(PROBE_SEND_TIMEOUT_MS);
    await producer.start();
    try {
      const message: Message = { topic: this.topic, body: Buffer.from('W10 restart probe') };
      let lastError: unknown;
      for (;;) {
        try {
          const result = await producer.send(message);
          if (result.sendStatus === 'SEND_OK') return performance.now() - spawned;
          lastError = new Error(`send answered ${result.sendStatus}`);
        } catch (error) {
          lastError = error; // broker still recovering: not listening, not registered, or no route yet
        }
        if (signal.aborted || performance.now() - spawned > RESTART_TIMEOUT_MS)
          throw new Error(`no SEND_OK after the restart: ${String(lastError)}`, { cause: lastError });
        await sleep(PROBE_PAUSE_MS);
      }
    } finally {
      await producer.shutdown();
    }
  }

  private async readOffsets(): Promise<BrokerOffsets> {
    const admin = this.admin();
    await admin.start();
    try {
      let commitLogMaxOffset = 0;
      for (const table of (await admin.brokerRuntimeInfo()).values())
        commitLogMaxOffset += Number(table['commitLogMaxOffset'] ?? Number.NaN);
      if (!Number.isFinite(commitLogMaxOffset)) throw new Error('broker runtime info has no commitLogMaxOffset');
      let topicMessages = 0;
      for (const [, offset] of await admin.topicStats(this.topic)) topicMessages += offset.maxOffset;
      return { commitLogMaxOffset, topicMessages };
    } finally {
      await admin.shutdown();
    }
  }

  /** Every client gets its own instance name: none shares connections with one from before a kill. */
  private instanceName(role: string): string {
    return `${this.topic}-${role}-${++this.instances}`;
  }

  private admin(): Admin {
    return new Admin({ namesrvAddr: this.namesrvAddr(), instanceName: this.instanceName('admin') });
  }

  private producer(sendTimeoutMs: number): Producer {
    return new Producer({
      namesrvAddr: this.namesrvAddr(),
      group: `${this.topic}-producer`,
      instanceName: this.instanceName('producer'),
      sendTimeoutMs,
      retryTimesWhenSendFailed: 0,
    });
  }

  private namesrvAddr(): string {
    if (this.ports === null) throw new Error('W10 broker not started');
    return `127.0.0.1:${this.ports.namesrvPort}`;
  }

  async teardown(): Promise<void> {
    const broker = this.broker;
    this.broker = null;
    await broker?.process.stop();
  }
}

async function waitForRoute(producer: Producer, topic: string, signal: AbortSignal, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      if ((await producer.fetchPublishMessageQueues(topic)).length > 0) return;
    } catch (error) {
      if (signal.aborted || performance.now() > deadline) throw error;
    }
    if (signal.aborted || performance.now() > deadline) throw new Error(`no route for ${topic} within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** W10: kill -9 with 1 GiB of commit log, time to the first successful send; reports extra.restartMsPerGiB. */
export function rocketnestRestart(): ContenderSlot {
  return new RestartWorkload();
}
