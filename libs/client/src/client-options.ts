/**
 * Options shared by producers, consumers and admin of one client instance (broker-semantics.md 8.7, 10.1;
 * remoting-protocol.md 1.8-1.10).
 */
import * as os from 'node:os';
import { AclCredentials, DEFAULT_CLIENT_VERSION, LanguageName, Logger, NOOP_LOGGER } from '@rocketnest/protocol';
import { MQClientError } from './errors.js';

export interface ClientOptions {
  /** NameServers: `host:port`, a list, or one string separated by `;`. Env NAMESRV_ADDR when absent. */
  namesrvAddr?: string | readonly string[];
  /** Client instance name; instances with the same name in one process share connections and heartbeats. */
  instanceName?: string;
  /** Address this client reports (clientId prefix). Defaults to the first non-internal IPv4. */
  clientIP?: string;
  /** Default timeout of one request (3 s). */
  requestTimeoutMs?: number;
  /** Route refresh period (30 s). */
  pollNameServerIntervalMs?: number;
  /** Heartbeat period (30 s). */
  heartbeatBrokerIntervalMs?: number;
  /** Consumers persist offsets this often (5 s). */
  persistConsumerOffsetIntervalMs?: number;
  /** ACL 1.0 credentials: every request is signed. */
  credentials?: AclCredentials;
  /** Language name on the wire. JAVA is what every Apache version understands (1.9). */
  language?: LanguageName;
  /** MQVersion ordinal on the wire (413 = V5_0_0; 1.10). */
  version?: number;
  /** Header encoding of our requests: JSON (what Java sends by default) or the binary ROCKETMQ form (1.5). */
  serializeType?: HeaderSerialization;
  logger?: Logger;
}

export type HeaderSerialization = 'JSON' | 'ROCKETMQ';

export type ResolvedClientOptions = Readonly<
  Required<Omit<ClientOptions, 'credentials' | 'namesrvAddr'>> & {
    namesrvAddr: readonly string[];
    credentials: AclCredentials | undefined;
  }
>;

export const DEFAULT_CLIENT_OPTIONS = Object.freeze({
  instanceName: 'DEFAULT',
  requestTimeoutMs: 3000,
  pollNameServerIntervalMs: 30_000,
  heartbeatBrokerIntervalMs: 30_000,
  persistConsumerOffsetIntervalMs: 5000,
  language: 'JAVA' as LanguageName,
  version: DEFAULT_CLIENT_VERSION,
  serializeType: 'JSON' as HeaderSerialization,
  logger: NOOP_LOGGER,
});

export function parseNamesrvAddr(value: string | readonly string[] | undefined): string[] {
  const raw = value ?? process.env['NAMESRV_ADDR'] ?? '';
  const list = typeof raw === 'string' ? raw.split(/[;,]/) : [...raw];
  return list.map((addr) => addr.trim()).filter((addr) => addr !== '');
}

export function resolveClientOptions(options: ClientOptions = {}): ResolvedClientOptions {
  const namesrvAddr = parseNamesrvAddr(options.namesrvAddr);
  if (namesrvAddr.length === 0) throw new MQClientError('no NameServer address: set namesrvAddr or NAMESRV_ADDR');
  const merged: Record<string, unknown> = { ...DEFAULT_CLIENT_OPTIONS, clientIP: localIPv4() };
  for (const [key, value] of Object.entries(options)) if (value !== undefined) merged[key] = value;
  if (merged['serializeType'] !== 'JSON' && merged['serializeType'] !== 'ROCKETMQ')
    throw new MQClientError(`serializeType must be JSON or ROCKETMQ, got ${String(merged['serializeType'])}`);
  return Object.freeze({ ...(merged as ResolvedClientOptions), namesrvAddr, credentials: options.credentials });
}

function localIPv4(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const item of list ?? []) if (item.family === 'IPv4' && !item.internal) return item.address;
  }
  return '127.0.0.1';
}
