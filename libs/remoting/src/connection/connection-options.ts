import { DEFAULT_MAX_FRAME_BYTES, Logger, NOOP_LOGGER, RemotingError } from '@rocketnest/protocol';

/** Options every connection has, on either side. */
export interface ConnectionOptions {
  /** Largest inbound frame, counting the 4-byte length field; larger closes the connection (Java: 16 MiB). */
  maxFrameBytes?: number;
  /** Close a connection with no read and no write for this long; 0 disables (Java: 120 s). */
  idleTimeoutMs?: number;
  /**
   * Buffered outbound bytes past which new frames wait for the socket to drain (never below the socket's own
   * high-water mark). A server also stops reading that connection until it drains.
   */
  writeHighWaterMarkBytes?: number;
  /** Hard bound on buffered plus waiting outbound bytes; a write past it fails with RemotingSendError. */
  maxWriteQueueBytes?: number;
  logger?: Logger;
}

export const DEFAULT_CONNECTION_OPTIONS: Readonly<Required<ConnectionOptions>> = Object.freeze({
  maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
  idleTimeoutMs: 120_000,
  writeHighWaterMarkBytes: 4 * 1024 * 1024,
  maxWriteQueueBytes: 64 * 1024 * 1024,
  logger: NOOP_LOGGER,
});

/** What a RemotingConnection is built with (resolved, validated). */
export interface ConnectionConfig {
  readonly maxFrameBytes: number;
  readonly idleTimeoutMs: number;
  readonly writeHighWaterMarkBytes: number;
  readonly maxWriteQueueBytes: number;
  readonly logger: Logger;
  /** Stop reading while the outbound side is blocked (server side only: a client must keep reading). */
  readonly pauseReadsWhileBlocked: boolean;
}

export function validateConnectionOptions(options: Readonly<Required<ConnectionOptions>>, owner: string): void {
  const positive: Array<keyof ConnectionOptions> = ['maxFrameBytes', 'writeHighWaterMarkBytes', 'maxWriteQueueBytes'];
  for (const key of positive) {
    const value = options[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new RemotingError(`${owner}: ${key} must be a positive number, got ${String(value)}`);
    }
  }
  if (!Number.isFinite(options.idleTimeoutMs) || options.idleTimeoutMs < 0) {
    throw new RemotingError(`${owner}: idleTimeoutMs must be >= 0, got ${options.idleTimeoutMs}`);
  }
  if (options.maxWriteQueueBytes < options.writeHighWaterMarkBytes) {
    throw new RemotingError(`${owner}: maxWriteQueueBytes must be >= writeHighWaterMarkBytes`);
  }
}

/** Copies the fields of `overrides` that are not undefined onto `defaults` (never `||`: 0 and false count). */
export function mergeDefined<T extends object>(defaults: Readonly<T>, overrides: Partial<T> | undefined): T {
  const merged: T = { ...defaults } as T;
  if (overrides === undefined) return merged;
  for (const key of Object.keys(overrides) as Array<keyof T>) {
    const value = overrides[key];
    if (value !== undefined) merged[key] = value as T[keyof T];
  }
  return merged;
}
