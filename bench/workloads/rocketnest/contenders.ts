/**
 * Our side of every comparison, one function per contender, keyed as the catalog and the peer table expect.
 * Each contender starts its own broker process (data in its temp folder) and drives it with @rocketnest/client
 * or the Nest transport. Apache RocketMQ's broker is driven by the same client (apache-rocketmq.contender.ts).
 */
import { e2eWorkload, type ContenderSlot, type LoadShape } from '../../harness/index.js';
import { DEFAULT_PAYLOAD_BYTES } from '../../harness/payload-stamp.js';
import type { SetupContext } from '../../harness/workload.js';
import { benchName, loadKey } from '../load-key.js';
import { connectNestRocketnest } from './nest.adapter.js';
import { connectRocketnestClient, type SendStyle } from './rocketnest.adapter.js';
import { startRocketnestBroker, type FlushMode } from './rocketnest-broker.js';
import type { MessagingAdapter } from '../../harness/messaging-adapter.js';

export type { FlushMode } from './rocketnest-broker.js';

/** Queues per topic: Apache's default for auto-created topics is 4, BENCHMARKS.md uses 8. */
const QUEUES = 8;
/** W8: sharding keys spread over the 8 queues. */
const ORDER_KEYS = 64;
/** W7: one message in ten is left UNKNOWN and committed by the check-back. */
const UNKNOWN_EVERY = 10;

interface OursOptions {
  readonly key: string;
  readonly label: string;
  readonly flush: FlushMode;
  readonly load: LoadShape;
  readonly send: SendStyle;
  readonly consumeMode?: 'concurrently' | 'orderly';
  readonly brokerArgs?: readonly string[];
  readonly settings?: Record<string, string | number | boolean>;
}

/** Starts our broker for the contender and connects the client adapter; the broker stops with the adapter. */
async function connectOurs(context: SetupContext, options: OursOptions): Promise<MessagingAdapter> {
  const broker = await startRocketnestBroker({
    dataDir: context.tempDir,
    flush: options.flush,
    signal: context.signal,
    extraArgs: options.brokerArgs,
  });
  try {
    return await connectRocketnestClient({
      namesrvAddr: broker.namesrvAddr,
      serverPids: [broker.process.pid],
      name: benchName(options.key),
      queueNums: QUEUES,
      payloadBytes: DEFAULT_PAYLOAD_BYTES,
      send: options.send,
      consumeMode: options.consumeMode ?? 'concurrently',
      fsyncCounter: true,
      onClose: () => broker.process.stop(),
    });
  } catch (error) {
    await broker.process.stop();
    throw error;
  }
}

function ours(options: OursOptions) {
  return e2eWorkload({
    key: options.key,
    label: options.label,
    owner: 'rocketnest',
    durability: options.flush === 'SYNC_FLUSH' ? 'sync' : 'async',
    load: options.load,
    settings: {
      client: '@rocketnest/client',
      broker: 'rocketnest standalone (own process)',
      flushDiskType: options.flush,
      queues: QUEUES,
      consumer: `PushConsumer, ${options.consumeMode ?? 'concurrently'}, defaults but rebalance every 1 s`,
      ...options.settings,
    },
    connect: (context) => connectOurs(context, options),
  });
}

const window = (inFlight: number): LoadShape => ({ kind: 'window', inFlight });

/** W1/W2/W3 and the 1000-in-flight column: sync sends with a window, concurrent push consumer. */
export function rocketnestWindow(inFlight: number, flush: FlushMode = 'ASYNC_FLUSH'): ContenderSlot {
  const load = window(inFlight);
  return ours({
    key: `${flush === 'SYNC_FLUSH' ? 'rocketnest-sync' : 'rocketnest'}/${loadKey(load)}`,
    label: `Rocketnest, ${flush}`,
    flush,
    load,
    send: { kind: 'single' },
  });
}

/** W5: 2000 msg/s open loop, latency from the scheduled send time. */
export function rocketnestFixedRate(perSecond: number): ContenderSlot {
  const load: LoadShape = { kind: 'fixed-rate', perSecond };
  return ours({
    key: `rocketnest/${loadKey(load)}`,
    label: 'Rocketnest, ASYNC_FLUSH',
    flush: 'ASYNC_FLUSH',
    load,
    send: { kind: 'single' },
  });
}

/** W6: backlog written first, then one consumer drains it. */
export function rocketnestDrain(): ContenderSlot {
  return ours({
    key: 'rocketnest/drain',
    label: 'Rocketnest, ASYNC_FLUSH',
    flush: 'ASYNC_FLUSH',
    load: { kind: 'drain', preloadInFlight: 1000 },
    send: { kind: 'single' },
  });
}

/** W4: batch send, 16 x 1 KiB per batch, 8 batches in flight. */
export function rocketnestBatch(): ContenderSlot {
  return ours({
    key: 'rocketnest-batch/batch-16x8',
    label: 'Rocketnest batch send',
    flush: 'ASYNC_FLUSH',
    load: window(16 * 8),
    send: { kind: 'batch', batchSize: 16 },
    settings: { send: 'Producer.sendBatch, 16 messages per batch, 8 batches in flight' },
  });
}

/** W7: transactional send (half + commit), 32 in flight, 10% settled by check-back. */
export function rocketnestTransactional(): ContenderSlot {
  return ours({
    key: 'rocketnest-tx/window-32',
    label: 'Rocketnest transactional send',
    flush: 'ASYNC_FLUSH',
    load: window(32),
    send: { kind: 'transactional', unknownEvery: UNKNOWN_EVERY },
    // Check-back every 500 ms for halves older than 500 ms: the UNKNOWN tenth is committed within ~1 s.
    brokerArgs: ['--transaction-check-interval-ms', '500', '--transaction-timeout-ms', '500'],
    settings: {
      send: 'sendMessageInTransaction, END_TRANSACTION oneway',
      settledByCheckBack: `1 in ${UNKNOWN_EVERY}`,
      transactionCheckIntervalMs: 500,
    },
  });
}

/** W8: sharding key over 8 queues, orderly consumer; reports extra.orderViolations. */
export function rocketnestOrderly(): ContenderSlot {
  return ours({
    key: 'rocketnest-orderly/window-64',
    label: 'Rocketnest orderly',
    flush: 'ASYNC_FLUSH',
    load: window(64),
    send: { kind: 'sharded', keys: ORDER_KEYS },
    consumeMode: 'orderly',
    settings: { shardingKeys: ORDER_KEYS },
  });
}

/** W9: ClientRocketMQ.emit -> @Topic handler, same broker as the raw client. */
export function rocketnestNest(inFlight: number): ContenderSlot {
  const load = window(inFlight);
  const key = `rocketnest-nest/${loadKey(load)}`;
  return e2eWorkload({
    key,
    label: 'Rocketnest Nest transport (emit -> @Topic)',
    owner: 'rocketnest',
    durability: 'async',
    load,
    settings: {
      client: 'ClientRocketMQ (ClientsModule), emit resolves on SEND_OK',
      server: 'ServerRocketMQ, @Topic handler, defaults',
      serializer: 'msgpack (default)',
      broker: 'rocketnest standalone (own process)',
      flushDiskType: 'ASYNC_FLUSH',
      queues: QUEUES,
    },
    connect: async (context) => {
      const broker = await startRocketnestBroker({
        dataDir: context.tempDir,
        flush: 'ASYNC_FLUSH',
        signal: context.signal,
      });
      return connectNestRocketnest({
        namesrvAddr: broker.namesrvAddr,
        serverPids: [broker.process.pid],
        name: benchName(key),
        queueNums: QUEUES,
        payloadBytes: DEFAULT_PAYLOAD_BYTES,
        onClose: () => broker.process.stop(),
      });
    },
  });
}

export { rocketnestRestart } from './restart.workload.js';
export { apacheRocketmqWindow } from './apache-rocketmq.contender.js';
