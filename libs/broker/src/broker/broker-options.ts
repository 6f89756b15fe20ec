/**
 * Broker configuration (broker-semantics.md 11.1-11.2). Names follow Apache's BrokerConfig with units
 * appended; defaults are Apache's unless the comment says otherwise.
 */
import * as path from 'node:path';
import {
  DEFAULT_BROKER_EXPIRY_MS,
  DEFAULT_BROKER_LISTEN_PORT,
  DEFAULT_BROKER_REGISTER_PERIOD_MS,
  DEFAULT_BROKER_TOPIC_QUEUE_NUMS,
  DEFAULT_DELAY_LEVELS,
  DEFAULT_MAX_MESSAGE_SIZE_BYTES,
  Logger,
  NOOP_LOGGER,
  Perm,
  RemotingError,
  parseDelayLevels,
} from '@rocketnest/protocol';
import type { DiskUsageProbe, StoreOptions } from '@rocketnest/store';

export type FlushDiskType = 'ASYNC_FLUSH' | 'SYNC_FLUSH';

export interface BrokerOptions {
  /** Root of the broker's data: `store/` (commit log...) and `config/` (metadata JSON). */
  dataDir?: string;
  /** Interface to listen on. */
  host?: string;
  /** Main port (10911); 0 picks a free one. */
  port?: number;
  /** Address advertised to clients and written into offset message ids. */
  brokerIP1?: string;
  brokerName?: string;
  clusterName?: string;
  /** 0 = master. */
  brokerId?: number;
  /** NameServers to register with (`host:port`). */
  namesrvAddr?: readonly string[];
  autoCreateTopicEnable?: boolean;
  autoCreateSubscriptionGroup?: boolean;
  /** Queues of TBW102, and so of auto-created topics (8). */
  defaultTopicQueueNums?: number;
  /** Broker permission bits (RW = 6). */
  brokerPermission?: number;
  flushDiskType?: FlushDiskType;
  /** Delay level table, e.g. `1s 5s 10s ...`; tests shorten it. */
  messageDelayLevel?: string;
  maxMessageSizeBytes?: number;
  /** Passed to the store as is (segment sizes, flush intervals, retention...). */
  store?: StoreOptions;
  longPollingEnable?: boolean;
  /** Hold time when long polling is off (1 s). */
  shortPollingTimeMs?: number;
  /** Period of the held-pull check (5 s with long polling). */
  pullHoldCheckIntervalMs?: number;
  registerNameServerPeriodMs?: number;
  /** Consumer/producer channels silent for this long are dropped (120 s). */
  channelExpiredTimeoutMs?: number;
  /** Period of that scan (10 s). */
  channelScanIntervalMs?: number;
  /** Consumer offsets are persisted this often (5 s). */
  flushConsumerOffsetIntervalMs?: number;
  notifyConsumerIdsChangedEnable?: boolean;
  regionId?: string;
  traceOn?: boolean;
  /** Transaction check-back period (30 s, as 5.x). */
  transactionCheckIntervalMs?: number;
  /** A half message is checked once it is older than this (6 s). */
  transactionTimeoutMs?: number;
  /** Checks before a half message is discarded (15). */
  transactionCheckMax?: number;
  /** Delay-level progress (config/delayOffset.json) is persisted this often, and at shutdown (10 s). */
  flushDelayOffsetIntervalMs?: number;
  /** Orderly consumers' queue locks expire after this long without renewal (60 s). */
  rebalanceLockMaxLiveTimeMs?: number;
  /** Request-reply: keep replies in the reply topic besides pushing them (true). */
  storeReplyMessageEnable?: boolean;
  /**
   * How full the store's disk is, in percent (default: statfs). Monitoring integrations and tests swap it;
   * past `store.diskSpaceWarningLevelRatio` (90) sends are refused with SERVICE_NOT_AVAILABLE.
   */
  diskUsageProbe?: DiskUsageProbe;
  /** Largest frame accepted from a client. */
  maxFrameBytes?: number;
  /** Idle client connections are closed after this long (120 s). */
  idleTimeoutMs?: number;
  logger?: Logger;
}

export type ResolvedBrokerOptions = Readonly<
  Required<Omit<BrokerOptions, 'store' | 'namesrvAddr' | 'diskUsageProbe'>> & {
    diskUsageProbe: DiskUsageProbe | undefined;
    store: StoreOptions;
    namesrvAddr: readonly string[];
    /** Delay of each level in ms, index 0 = level 1. */
    delayLevelsMs: readonly number[];
  }
>;

export const DEFAULT_BROKER_OPTIONS: Readonly<Omit<ResolvedBrokerOptions, 'delayLevelsMs' | 'diskUsageProbe'>> =
  Object.freeze({
    dataDir: path.resolve('data', 'broker'),
    host: '0.0.0.0',
    port: DEFAULT_BROKER_LISTEN_PORT,
    brokerIP1: '127.0.0.1',
    brokerName: 'broker-a',
    clusterName: 'DefaultCluster',
    brokerId: 0,
    namesrvAddr: Object.freeze([]) as readonly string[],
    autoCreateTopicEnable: true,
    autoCreateSubscriptionGroup: true,
    defaultTopicQueueNums: DEFAULT_BROKER_TOPIC_QUEUE_NUMS,
    brokerPermission: Perm.READ | Perm.WRITE,
    flushDiskType: 'ASYNC_FLUSH',
    messageDelayLevel: DEFAULT_DELAY_LEVELS,
    maxMessageSizeBytes: DEFAULT_MAX_MESSAGE_SIZE_BYTES,
    store: Object.freeze({}),
    longPollingEnable: true,
    shortPollingTimeMs: 1000,
    pullHoldCheckIntervalMs: 5000,
    registerNameServerPeriodMs: DEFAULT_BROKER_REGISTER_PERIOD_MS,
    channelExpiredTimeoutMs: DEFAULT_BROKER_EXPIRY_MS,
    channelScanIntervalMs: 10_000,
    flushConsumerOffsetIntervalMs: 5000,
    notifyConsumerIdsChangedEnable: true,
    regionId: 'DefaultRegion',
    traceOn: true,
    transactionCheckIntervalMs: 30_000,
    transactionTimeoutMs: 6000,
    transactionCheckMax: 15,
    flushDelayOffsetIntervalMs: 10_000,
    rebalanceLockMaxLiveTimeMs: 60_000,
    storeReplyMessageEnable: true,
    maxFrameBytes: 16 * 1024 * 1024,
    idleTimeoutMs: 120_000,
    logger: NOOP_LOGGER,
  });

export class BrokerConfigError extends RemotingError {
  override name = 'BrokerConfigError';
}

export function resolveBrokerOptions(options: BrokerOptions = {}): ResolvedBrokerOptions {
  const merged: Record<string, unknown> = { ...DEFAULT_BROKER_OPTIONS };
  for (const [key, value] of Object.entries(options)) if (value !== undefined) merged[key] = value;
  const resolved = merged as Omit<ResolvedBrokerOptions, 'delayLevelsMs' | 'diskUsageProbe'>;
  const delayLevelsMs = parseDelayLevels(resolved.messageDelayLevel);
  if (delayLevelsMs === undefined || delayLevelsMs.length === 0) {
    throw new BrokerConfigError(
      `messageDelayLevel is not a list of delays like "1s 5s 1m": ${resolved.messageDelayLevel}`,
    );
  }
  if (!Number.isInteger(resolved.port) || resolved.port < 0 || resolved.port > 65535) {
    throw new BrokerConfigError(`port must be 0..65535, got ${resolved.port}`);
  }
  if (resolved.defaultTopicQueueNums < 1) throw new BrokerConfigError('defaultTopicQueueNums must be >= 1');
  return Object.freeze({
    ...resolved,
    diskUsageProbe: options.diskUsageProbe,
    namesrvAddr: Object.freeze([...resolved.namesrvAddr]),
    delayLevelsMs,
  });
}
