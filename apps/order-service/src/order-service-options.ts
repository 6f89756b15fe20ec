/**
 * Settings of the order-service sample. Every field has an environment variable (listed in apps/README.md);
 * `npm start` sets them for its children.
 */
import * as path from 'node:path';

export interface OrderServiceOptions {
  /** NameServers, `host:port` separated by `;` (env NAMESRV_ADDR). */
  namesrvAddr?: string;
  /** HTTP interface (env ORDER_HOST). */
  host?: string;
  /** HTTP port, 0 = any free port; the bound URL is printed either way (env ORDER_PORT). */
  port?: number;
  /** Folder of orders.db (env ORDER_DATA_DIR). */
  dataDir?: string;
  /** Producer group: the broker's transaction check-backs go to a live member of it. */
  producerGroup?: string;
  /**
   * Queues of the `order` topic, created at startup (env ORDER_TOPIC_QUEUES, default 8). Every message of an
   * order, the transactional `created` included, is sharded by order id, so per-order order holds whatever
   * the count.
   */
  topicQueueNums?: number;
  /** Honour `?fault=` on POST /orders, for the demo and the tests only (env ORDER_FAULT_INJECTION). */
  faultInjection?: boolean;
}

/** Injection token of the resolved options. */
export const ORDER_SERVICE_OPTIONS = Symbol('ORDER_SERVICE_OPTIONS');

export type ResolvedOrderServiceOptions = Readonly<Required<OrderServiceOptions>>;

export const DEFAULT_ORDER_SERVICE_OPTIONS: ResolvedOrderServiceOptions = Object.freeze({
  namesrvAddr: '127.0.0.1:9876',
  host: '127.0.0.1',
  port: 3000,
  dataDir: path.join('data', 'order-service'),
  producerGroup: 'order-service',
  topicQueueNums: 8,
  faultInjection: false,
});

export class OrderServiceConfigError extends Error {
  override name = 'OrderServiceConfigError';
}

export function resolveOrderServiceOptions(options: OrderServiceOptions = {}): ResolvedOrderServiceOptions {
  const merged: Record<string, unknown> = { ...DEFAULT_ORDER_SERVICE_OPTIONS };
  for (const [key, value] of Object.entries(options)) if (value !== undefined) merged[key] = value;
  const resolved = merged as ResolvedOrderServiceOptions;
  if (!Number.isInteger(resolved.port) || resolved.port < 0 || resolved.port > 65535)
    throw new OrderServiceConfigError(`port must be 0-65535, got ${resolved.port}`);
  if (!Number.isInteger(resolved.topicQueueNums) || resolved.topicQueueNums < 1)
    throw new OrderServiceConfigError(`topicQueueNums must be a positive integer, got ${resolved.topicQueueNums}`);
  return Object.freeze({ ...resolved, dataDir: path.resolve(resolved.dataDir) });
}

/** Reads the environment variables named in OrderServiceOptions. */
export function orderServiceOptionsFromEnv(env: NodeJS.ProcessEnv): OrderServiceOptions {
  return {
    namesrvAddr: env['NAMESRV_ADDR'],
    host: env['ORDER_HOST'],
    port: integer(env['ORDER_PORT'], 'ORDER_PORT'),
    dataDir: env['ORDER_DATA_DIR'],
    topicQueueNums: integer(env['ORDER_TOPIC_QUEUES'], 'ORDER_TOPIC_QUEUES'),
    faultInjection: flag(env['ORDER_FAULT_INJECTION'], 'ORDER_FAULT_INJECTION'),
  };
}

function integer(text: string | undefined, name: string): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text)) throw new OrderServiceConfigError(`${name} must be a whole number, got ${text}`);
  return Number(text);
}

function flag(text: string | undefined, name: string): boolean | undefined {
  if (text === undefined || text === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(text.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(text.toLowerCase())) return false;
  throw new OrderServiceConfigError(`${name} must be true or false, got ${text}`);
}
