/**
 * Settings of the points-service sample. Every field has an environment variable (listed in apps/README.md);
 * `npm start` sets them for its children.
 */
import * as path from 'node:path';

export interface PointsServiceOptions {
  /** NameServers, `host:port` separated by `;` (env NAMESRV_ADDR). */
  namesrvAddr?: string;
  /** HTTP interface (env POINTS_HOST). */
  host?: string;
  /** HTTP port, 0 = any free port; the bound URL is printed either way (env POINTS_PORT). */
  port?: number;
  /** Folder of points.db (env POINTS_DATA_DIR). */
  dataDir?: string;
  /** Consumer group (offsets, dedup keys). */
  group?: string;
  /** Messages handled per second at most, 0 = unlimited (env POINTS_MAX_CONSUME_RATE). */
  maxConsumeRatePerSecond?: number;
  /** Handlers in flight (env POINTS_CONCURRENCY). */
  concurrency?: number;
  /** Messages pulled from a queue per request, and held per queue at most: what sits in memory. */
  pullBatchSize?: number;
  pullThresholdForQueue?: number;
}

/** Injection token of the resolved options. */
export const POINTS_SERVICE_OPTIONS = Symbol('POINTS_SERVICE_OPTIONS');

export type ResolvedPointsServiceOptions = Readonly<Required<PointsServiceOptions>>;

export const DEFAULT_POINTS_SERVICE_OPTIONS: ResolvedPointsServiceOptions = Object.freeze({
  namesrvAddr: '127.0.0.1:9876',
  host: '127.0.0.1',
  port: 3001,
  dataDir: path.join('data', 'points-service'),
  group: 'points-service',
  maxConsumeRatePerSecond: 50,
  concurrency: 2,
  pullBatchSize: 8,
  pullThresholdForQueue: 16,
});

export class PointsServiceConfigError extends Error {
  override name = 'PointsServiceConfigError';
}

export function resolvePointsServiceOptions(options: PointsServiceOptions = {}): ResolvedPointsServiceOptions {
  const merged: Record<string, unknown> = { ...DEFAULT_POINTS_SERVICE_OPTIONS };
  for (const [key, value] of Object.entries(options)) if (value !== undefined) merged[key] = value;
  const resolved = merged as ResolvedPointsServiceOptions;
  if (!Number.isInteger(resolved.port) || resolved.port < 0 || resolved.port > 65535)
    throw new PointsServiceConfigError(`port must be 0-65535, got ${resolved.port}`);
  for (const key of ['concurrency', 'pullBatchSize', 'pullThresholdForQueue'] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1)
      throw new PointsServiceConfigError(`${key} must be a positive integer, got ${resolved[key]}`);
  }
  if (!Number.isFinite(resolved.maxConsumeRatePerSecond) || resolved.maxConsumeRatePerSecond < 0)
    throw new PointsServiceConfigError(`maxConsumeRatePerSecond must be >= 0, got ${resolved.maxConsumeRatePerSecond}`);
  return Object.freeze({ ...resolved, dataDir: path.resolve(resolved.dataDir) });
}

/** Reads the environment variables named in PointsServiceOptions. */
export function pointsServiceOptionsFromEnv(env: NodeJS.ProcessEnv): PointsServiceOptions {
  return {
    namesrvAddr: env['NAMESRV_ADDR'],
    host: env['POINTS_HOST'],
    port: integer(env['POINTS_PORT'], 'POINTS_PORT'),
    dataDir: env['POINTS_DATA_DIR'],
    maxConsumeRatePerSecond: number(env['POINTS_MAX_CONSUME_RATE'], 'POINTS_MAX_CONSUME_RATE'),
    concurrency: integer(env['POINTS_CONCURRENCY'], 'POINTS_CONCURRENCY'),
  };
}

function integer(text: string | undefined, name: string): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text)) throw new PointsServiceConfigError(`${name} must be a whole number, got ${text}`);
  return Number(text);
}

function number(text: string | undefined, name: string): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^\d+(\.\d+)?$/.test(text)) throw new PointsServiceConfigError(`${name} must be a number, got ${text}`);
  return Number(text);
}
