import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { RemotingError } from '@rocketnest/protocol';
import {
  ConnectionOptions,
  DEFAULT_CONNECTION_OPTIONS,
  mergeDefined,
  validateConnectionOptions,
} from '../connection/connection-options.js';
import type { ProcessRequestFn, RemotingProcessor } from '../processor/remoting-processor.js';

export interface RemotingClientOptions extends ConnectionOptions {
  /** Give up opening a connection after this long (Java: connectTimeoutMillis 3000). */
  connectTimeoutMs?: number;
  /** Timeout of invoke() when the caller gives none (Java: mqClientApiTimeout 3000). */
  invokeTimeoutMs?: number;
  /** After a failed connect, calls to that address fail fast for this long, doubling per failure... */
  reconnectBackoffInitialMs?: number;
  /** ...up to this. */
  reconnectBackoffMaxMs?: number;
  /** node:tls connect options (ca, rejectUnauthorized, servername...); null connects over plain TCP. */
  tls?: TlsConnectionOptions | null;
  /** Handles server-initiated requests whose code has no registered processor (else REQUEST_CODE_NOT_SUPPORTED). */
  defaultProcessor?: RemotingProcessor | ProcessRequestFn | null;
}

export const DEFAULT_REMOTING_CLIENT_OPTIONS: Readonly<Required<RemotingClientOptions>> = Object.freeze({
  ...DEFAULT_CONNECTION_OPTIONS,
  connectTimeoutMs: 3000,
  invokeTimeoutMs: 3000,
  reconnectBackoffInitialMs: 100,
  reconnectBackoffMaxMs: 5000,
  tls: null,
  defaultProcessor: null,
});

export type ResolvedRemotingClientOptions = Readonly<Required<RemotingClientOptions>>;

export function resolveRemotingClientOptions(options: RemotingClientOptions = {}): ResolvedRemotingClientOptions {
  const resolved = mergeDefined<Required<RemotingClientOptions>>(DEFAULT_REMOTING_CLIENT_OPTIONS, options);
  validateConnectionOptions(resolved, 'RemotingClient');
  for (const key of ['connectTimeoutMs', 'invokeTimeoutMs'] as const) {
    if (!Number.isFinite(resolved[key]) || resolved[key] <= 0) {
      throw new RemotingError(`RemotingClient: ${key} must be > 0, got ${resolved[key]}`);
    }
  }
  for (const key of ['reconnectBackoffInitialMs', 'reconnectBackoffMaxMs'] as const) {
    if (!Number.isFinite(resolved[key]) || resolved[key] < 0) {
      throw new RemotingError(`RemotingClient: ${key} must be >= 0, got ${resolved[key]}`);
    }
  }
  if (resolved.reconnectBackoffMaxMs < resolved.reconnectBackoffInitialMs) {
    throw new RemotingError('RemotingClient: reconnectBackoffMaxMs must be >= reconnectBackoffInitialMs');
  }
  return Object.freeze(resolved);
}
