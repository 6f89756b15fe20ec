/**
 * Defaults that show up on the wire (remoting-protocol.md 9.1, 9.4). Units in names; values are Java's.
 */
export const DEFAULT_NAMESRV_PORT = 9876;
export const DEFAULT_BROKER_LISTEN_PORT = 10911;
/** Broker id of a master in BrokerData.brokerAddrs; slaves are 1, 2... */
export const MASTER_ID = 0;

/** TopicConfig constructor default (broker side). */
export const DEFAULT_TOPIC_READ_QUEUE_NUMS = 16;
export const DEFAULT_TOPIC_WRITE_QUEUE_NUMS = 16;
/** Producer `defaultTopicQueueNums`, header `d`. */
export const DEFAULT_PRODUCER_TOPIC_QUEUE_NUMS = 4;
/** Broker `defaultTopicQueueNums`: queues of TBW102 and of auto-created topics. */
export const DEFAULT_BROKER_TOPIC_QUEUE_NUMS = 8;
export const DEFAULT_RETRY_QUEUE_NUMS = 1;
export const DEFAULT_DLQ_QUEUE_NUMS = 1;
/** Group `retryMaxTimes` and consumer `maxReconsumeTimes`. */
export const DEFAULT_MAX_RECONSUME_TIMES = 16;

/** Body limit; the properties limit (32767) is MAX_PROPERTIES_BYTES in message/. */
export const DEFAULT_MAX_MESSAGE_SIZE_BYTES = 4 * 1024 * 1024;
export const DEFAULT_COMPRESS_THRESHOLD_BYTES = 4096;
export const DEFAULT_COMPRESS_LEVEL = 5;

export const DEFAULT_PULL_BATCH_SIZE = 32;
export const DEFAULT_PULL_BATCH_SIZE_BYTES = 256 * 1024;
export const DEFAULT_LONG_POLL_SUSPEND_MS = 15_000;
export const DEFAULT_PULL_TIMEOUT_MS = 30_000;

export const DEFAULT_CLIENT_HEARTBEAT_INTERVAL_MS = 30_000;
export const DEFAULT_ROUTE_POLL_INTERVAL_MS = 30_000;
export const DEFAULT_OFFSET_PERSIST_INTERVAL_MS = 5_000;
export const DEFAULT_BROKER_REGISTER_PERIOD_MS = 30_000;
export const DEFAULT_BROKER_EXPIRY_MS = 120_000;
export const DEFAULT_NAMESRV_SCAN_INTERVAL_MS = 5_000;

/** `messageDelayLevel`: level n (1-based) waits the n-th entry. */
export const DEFAULT_DELAY_LEVELS = '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h';

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a `messageDelayLevel` string into milliseconds per level (index 0 = level 1); undefined when a
 * token is not `<digits><s|m|h|d>`.
 */
export function parseDelayLevels(levels: string): number[] | undefined {
  const out: number[] = [];
  for (const token of levels.trim().split(/\s+/)) {
    if (token === '') continue;
    const match = /^(\d+)([smhd])$/.exec(token);
    const unit = match === null ? undefined : UNIT_MS[match[2]!];
    if (match === null || unit === undefined) return undefined;
    out.push(Number(match[1]) * unit);
  }
  return out;
}

export const DEFAULT_DELAY_LEVELS_MS: readonly number[] = Object.freeze(parseDelayLevels(DEFAULT_DELAY_LEVELS) ?? []);

export const TopicFilterType = { SINGLE_TAG: 'SINGLE_TAG', MULTI_TAG: 'MULTI_TAG' } as const;
export type TopicFilterType = (typeof TopicFilterType)[keyof typeof TopicFilterType];

/** TopicConfig.topicSysFlag bits. */
export const TopicSysFlag = { UNIT: 0x1, UNIT_SUB: 0x2 } as const;

export const DEFAULT_REGION_ID = 'DefaultRegion';
export const DEFAULT_TRACE_ON = true;
