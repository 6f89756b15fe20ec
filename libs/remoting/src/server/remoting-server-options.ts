import type { TlsOptions } from 'node:tls';
import {
  ConnectionOptions,
  DEFAULT_CONNECTION_OPTIONS,
  mergeDefined,
  validateConnectionOptions,
} from '../connection/connection-options.js';
import { RemotingError } from '@rocketnest/protocol';

export interface RemotingServerOptions extends ConnectionOptions {
  /** Interface to bind; tests use '127.0.0.1'. */
  host?: string;
  /** 0 picks an ephemeral port (see listen()'s result). */
  port?: number;
  /** node:tls server options (at least key and cert); null serves plain TCP. */
  tls?: TlsOptions | null;
  /** close() waits this long for processors still running before destroying the sockets. */
  closeGraceMs?: number;
  /** Timeout of server-initiated invoke() when the caller gives none (Java: 10 s for broker -> client calls). */
  invokeTimeoutMs?: number;
}

export const DEFAULT_REMOTING_SERVER_OPTIONS: Readonly<Required<RemotingServerOptions>> = Object.freeze({
  ...DEFAULT_CONNECTION_OPTIONS,
  host: '0.0.0.0',
  port: 0,
  tls: null,
  closeGraceMs: 1000,
  invokeTimeoutMs: 10_000,
});

export type ResolvedRemotingServerOptions = Readonly<Required<RemotingServerOptions>>;

export function resolveRemotingServerOptions(options: RemotingServerOptions = {}): ResolvedRemotingServerOptions {
  const resolved = mergeDefined<Required<RemotingServerOptions>>(DEFAULT_REMOTING_SERVER_OPTIONS, options);
  validateConnectionOptions(resolved, 'RemotingServer');
  if (!Number.isInteger(resolved.port) || resolved.port < 0 || resolved.port > 65535) {
    throw new RemotingError(`RemotingServer: port must be an integer in 0..65535, got ${resolved.port}`);
  }
  for (const key of ['closeGraceMs', 'invokeTimeoutMs'] as const) {
    if (!Number.isFinite(resolved[key]) || resolved[key] < 0) {
      throw new RemotingError(`RemotingServer: ${key} must be >= 0, got ${resolved[key]}`);
    }
  }
  return Object.freeze(resolved);
}
