import * as os from 'node:os';
import * as path from 'node:path';
import type { ConsumeFromWhere, MessageModel } from '@rocketnest/protocol';
import type { ClientOptions } from '../client-options.js';
import { MQClientError } from '../errors.js';
import type { AllocateStrategyName } from './allocate-strategy.js';

/** Push consumer settings (broker-semantics.md 2.7, 3, 4, 7.3; Java DefaultMQPushConsumer defaults). */
export interface PushConsumerOptions extends ClientOptions {
  group: string;
  messageModel?: Extract<MessageModel, 'CLUSTERING' | 'BROADCASTING'>;
  /** Where a group without a committed offset starts. */
  consumeFromWhere?: Extract<
    ConsumeFromWhere,
    'CONSUME_FROM_LAST_OFFSET' | 'CONSUME_FROM_FIRST_OFFSET' | 'CONSUME_FROM_TIMESTAMP'
  >;
  /** With CONSUME_FROM_TIMESTAMP (ms). Default: 30 minutes before start. */
  consumeTimestamp?: number;
  /** One listener call per queue at a time, in offset order, with broker locks ('orderly'), or in parallel. */
  consumeMode?: 'concurrently' | 'orderly';
  /** Listener calls in flight for this consumer (20). */
  concurrency?: number;
  /** Deliveries before the DLQ: 16 for concurrent; -1 (forever) for orderly. */
  maxReconsumeTimes?: number;
  /** Messages per pull (32). */
  pullBatchSize?: number;
  /** Flow control per queue: cached messages (1000) and bytes (100 MiB). */
  pullThresholdForQueue?: number;
  pullThresholdSizeForQueueBytes?: number;
  /** Concurrent mode: offset span of cached messages before pausing pulls (2000). */
  consumeConcurrentlyMaxSpan?: number;
  /** Long-poll hold on the broker (15 s). */
  brokerSuspendMaxTimeMs?: number;
  /** Pause before pulling again after an error (3 s). */
  pullDelayOnErrorMs?: number;
  /** Periodic rebalance (20 s), besides the broker's notifications. */
  rebalanceIntervalMs?: number;
  allocateStrategy?: AllocateStrategyName;
  /** Orderly: pause of a queue after a failed message (1 s). */
  suspendCurrentQueueTimeMs?: number;
  /** Orderly: broker lock renewal period (20 s). */
  lockIntervalMs?: number;
  /** Concurrent: a failed message whose send-back fails is consumed again locally after this long (5 s). */
  localRetryDelayMs?: number;
  /** Broadcasting offsets folder (`~/.rocketmq_offsets`). */
  offsetStoreDir?: string;
  /** How long shutdown waits for running listeners (30 s). */
  shutdownTimeoutMs?: number;
}

export type ResolvedPushConsumerOptions = Readonly<Required<Omit<PushConsumerOptions, keyof ClientOptions>>> &
  ClientOptions;

export const DEFAULT_PUSH_CONSUMER_OPTIONS = Object.freeze({
  messageModel: 'CLUSTERING' as const,
  consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET' as const,
  consumeMode: 'concurrently' as const,
  concurrency: 20,
  pullBatchSize: 32,
  pullThresholdForQueue: 1000,
  pullThresholdSizeForQueueBytes: 100 * 1024 * 1024,
  consumeConcurrentlyMaxSpan: 2000,
  brokerSuspendMaxTimeMs: 15_000,
  pullDelayOnErrorMs: 3000,
  rebalanceIntervalMs: 20_000,
  allocateStrategy: 'AVG' as AllocateStrategyName,
  suspendCurrentQueueTimeMs: 1000,
  lockIntervalMs: 20_000,
  localRetryDelayMs: 5000,
  offsetStoreDir: path.join(os.homedir(), '.rocketmq_offsets'),
  shutdownTimeoutMs: 30_000,
});

export function resolvePushConsumerOptions(options: PushConsumerOptions): ResolvedPushConsumerOptions {
  if (typeof options.group !== 'string' || options.group.trim() === '')
    throw new MQClientError('consumer group is required');
  const merged: Record<string, unknown> = {
    ...DEFAULT_PUSH_CONSUMER_OPTIONS,
    consumeTimestamp: Date.now() - 30 * 60_000,
  };
  for (const [key, value] of Object.entries(options)) if (value !== undefined) merged[key] = value;
  // Java: -1 means 16 deliveries for concurrent consumers and "forever" for orderly ones.
  const orderly = merged['consumeMode'] === 'orderly';
  if (merged['maxReconsumeTimes'] === undefined || (merged['maxReconsumeTimes'] === -1 && !orderly)) {
    merged['maxReconsumeTimes'] = orderly ? -1 : 16;
  }
  const concurrency = merged['concurrency'] as number;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new MQClientError('concurrency must be a positive integer');
  return Object.freeze(merged as unknown as ResolvedPushConsumerOptions);
}
