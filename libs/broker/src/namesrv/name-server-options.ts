import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_BROKER_EXPIRY_MS,
  DEFAULT_NAMESRV_PORT,
  DEFAULT_NAMESRV_SCAN_INTERVAL_MS,
  JsonMode,
  Logger,
  NOOP_LOGGER,
  RemotingError,
} from '@rocketnest/protocol';
import type { RemotingServerOptions } from '@rocketnest/remoting';

/** NameServer settings (broker-semantics.md 8, 11.1). Java names in brackets where they differ. */
export interface NameServerOptions {
  /** Interface to bind. */
  host?: string;
  /** [listenPort] 0 picks an ephemeral port (see start()'s result). */
  port?: number;
  /** KV config file, written atomically on every change and loaded at start; null keeps it in memory only. */
  kvConfigPath?: string | null;
  /** [scanNotActiveBrokerInterval] how often silent brokers are looked for. */
  scanIntervalMs?: number;
  /** Liveness timeout of a broker that does not send its own `heartbeatTimeoutMillis` (Java: 120 s). */
  brokerExpiryMs?: number;
  /** Add `orderTopicConf` (KV `ORDER_TOPIC_CONFIG`/topic) to routes. */
  orderMessageEnable?: boolean;
  /** GET_ALL_TOPIC_LIST_FROM_NAMESERVER answers SYSTEM_ERROR "disable" when false. */
  enableAllTopicList?: boolean;
  /** GET_TOPICS_BY_CLUSTER answers SYSTEM_ERROR "disable" when false. */
  enableTopicList?: boolean;
  /** Send the ORDER_TOPIC_CONFIG KV table in REGISTER_BROKER responses. */
  returnOrderTopicConfigToBroker?: boolean;
  /**
   * ClusterInfo JSON keys: Java always writes `brokerAddrs` with bare numeric keys ('legacy'), the only form
   * existing tools have ever seen from GET_BROKER_CLUSTER_INFO; 'standard' quotes them.
   */
  clusterInfoJsonMode?: JsonMode;
  /** Remaining RemotingServer settings (idle timeout, frame limit, TLS...); host, port and logger come from here. */
  remoting?: Omit<RemotingServerOptions, 'host' | 'port' | 'logger'>;
  logger?: Logger;
}

export type ResolvedNameServerOptions = Readonly<Required<NameServerOptions>>;

export const DEFAULT_NAMESRV_OPTIONS: ResolvedNameServerOptions = Object.freeze({
  host: '0.0.0.0',
  port: DEFAULT_NAMESRV_PORT,
  kvConfigPath: join(homedir(), 'namesrv', 'kvConfig.json'),
  scanIntervalMs: DEFAULT_NAMESRV_SCAN_INTERVAL_MS,
  brokerExpiryMs: DEFAULT_BROKER_EXPIRY_MS,
  orderMessageEnable: false,
  enableAllTopicList: true,
  enableTopicList: true,
  returnOrderTopicConfigToBroker: true,
  clusterInfoJsonMode: 'legacy',
  remoting: Object.freeze({}),
  logger: NOOP_LOGGER,
});

export function resolveNameServerOptions(options: NameServerOptions = {}): ResolvedNameServerOptions {
  const resolved: Required<NameServerOptions> = { ...DEFAULT_NAMESRV_OPTIONS };
  for (const key of Object.keys(options) as Array<keyof NameServerOptions>) {
    const value = options[key];
    if (value !== undefined) (resolved as Record<string, unknown>)[key] = value;
  }
  if (!Number.isInteger(resolved.port) || resolved.port < 0 || resolved.port > 65535) {
    throw new RemotingError(`NameServer: port must be an integer in 0..65535, got ${resolved.port}`);
  }
  for (const key of ['scanIntervalMs', 'brokerExpiryMs'] as const) {
    if (!Number.isFinite(resolved[key]) || resolved[key] <= 0) {
      throw new RemotingError(`NameServer: ${key} must be > 0, got ${resolved[key]}`);
    }
  }
  if (resolved.clusterInfoJsonMode !== 'legacy' && resolved.clusterInfoJsonMode !== 'standard') {
    throw new RemotingError(`NameServer: clusterInfoJsonMode must be 'legacy' or 'standard'`);
  }
  return Object.freeze(resolved);
}
