/**
 * Settings of `npm start`, from the environment (apps/README.md lists them). Variables the services read
 * themselves (POINTS_MAX_CONSUME_RATE, POINTS_CONCURRENCY, LOG_LEVEL...) pass through unchanged.
 */
import * as path from 'node:path';

export interface LauncherOptions {
  /** Everything persistent: `<dataDir>/namesrv`, `/broker`, `/order-service`, `/points-service` (env DATA_DIR). */
  dataDir?: string;
  /** Ports; 0 = any free port (env NAMESRV_PORT, BROKER_PORT, ORDER_PORT, POINTS_PORT, LAUNCHER_PORT). */
  namesrvPort?: number;
  brokerPort?: number;
  orderPort?: number;
  pointsPort?: number;
  /** The launcher's control API (used by `npm run demo` to stop and start services). */
  controlPort?: number;
  /** Broker check-back period and the age of a half message before it is checked. */
  transactionCheckIntervalMs?: number;
  transactionTimeoutMs?: number;
  /** Let the demo inject faults into order creation (env ORDER_FAULT_INJECTION). */
  faultInjection?: boolean;
  /** How long a process may take to print its ready line, and to exit after SIGTERM. */
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
}

export type ResolvedLauncherOptions = Readonly<Required<LauncherOptions>>;

export const DEFAULT_LAUNCHER_OPTIONS: ResolvedLauncherOptions = Object.freeze({
  dataDir: 'data',
  namesrvPort: 9876,
  brokerPort: 10911,
  orderPort: 3000,
  pointsPort: 3001,
  controlPort: 3002,
  transactionCheckIntervalMs: 5000,
  transactionTimeoutMs: 3000,
  faultInjection: true,
  startTimeoutMs: 60_000,
  stopTimeoutMs: 35_000,
});

export class LauncherConfigError extends Error {
  override name = 'LauncherConfigError';
}

export function resolveLauncherOptions(options: LauncherOptions = {}): ResolvedLauncherOptions {
  const merged: Record<string, unknown> = { ...DEFAULT_LAUNCHER_OPTIONS };
  for (const [key, value] of Object.entries(options)) if (value !== undefined) merged[key] = value;
  const resolved = merged as ResolvedLauncherOptions;
  for (const key of ['namesrvPort', 'brokerPort', 'orderPort', 'pointsPort', 'controlPort'] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 0 || resolved[key] > 65535)
      throw new LauncherConfigError(`${key} must be 0-65535, got ${resolved[key]}`);
  }
  return Object.freeze({ ...resolved, dataDir: path.resolve(resolved.dataDir) });
}

export function launcherOptionsFromEnv(env: NodeJS.ProcessEnv): LauncherOptions {
  return {
    dataDir: env['DATA_DIR'] === '' ? undefined : env['DATA_DIR'],
    namesrvPort: integer(env, 'NAMESRV_PORT'),
    brokerPort: integer(env, 'BROKER_PORT'),
    orderPort: integer(env, 'ORDER_PORT'),
    pointsPort: integer(env, 'POINTS_PORT'),
    controlPort: integer(env, 'LAUNCHER_PORT'),
    transactionCheckIntervalMs: integer(env, 'TRANSACTION_CHECK_INTERVAL_MS'),
    transactionTimeoutMs: integer(env, 'TRANSACTION_TIMEOUT_MS'),
    faultInjection: flag(env, 'ORDER_FAULT_INJECTION'),
  };
}

function integer(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text)) throw new LauncherConfigError(`${name} must be a whole number, got ${text}`);
  return Number(text);
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const text = env[name]?.toLowerCase();
  if (text === undefined || text === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['0', 'false', 'no', 'off'].includes(text)) return false;
  throw new LauncherConfigError(`${name} must be true or false, got ${text}`);
}
