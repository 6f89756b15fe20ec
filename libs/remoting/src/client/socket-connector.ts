import { connect as netConnect, Socket } from 'node:net';
import { connect as tlsConnect, ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { RemotingConnectError } from '@rocketnest/protocol';
import { parseSocketAddress } from '../address/socket-address.js';

/**
 * Opens a TCP (or TLS) socket to "host:port"; once usable (after the handshake with TLS) `adopt` wraps it in
 * the same tick, so the socket is never without an 'error' listener. Rejects with RemotingConnectError on error
 * or after `timeoutMs` or when `signal` aborts; the socket is destroyed then.
 */
export function openSocket<T>(
  addr: string,
  timeoutMs: number,
  tls: TlsConnectionOptions | null,
  adopt: (socket: Socket) => T,
  signal: AbortSignal,
): Promise<T> {
  let host: string;
  let port: number;
  try {
    ({ host, port } = parseSocketAddress(addr));
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise<T>((resolve, reject) => {
    const socket: Socket =
      tls === null ? netConnect({ host, port, noDelay: true }) : tlsConnect({ ...tls, host, port });
    const readyEvent = tls === null ? 'connect' : 'secureConnect';
    const fail = (error: Error): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.off(readyEvent, onReady);
      socket.off('error', fail);
      socket.destroy();
      reject(new RemotingConnectError(`cannot connect to ${addr}: ${error.message}`, { cause: error }));
    };
    const onAbort = (): void => fail(new RemotingConnectError('connect aborted'));
    const onReady = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      let adopted: T;
      try {
        adopted = adopt(socket);
      } catch (error) {
        fail(error instanceof Error ? error : new RemotingConnectError(String(error)));
        return;
      }
      socket.off('error', fail);
      resolve(adopted);
    };
    const timer = setTimeout(
      () => fail(new RemotingConnectError(`connect timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once(readyEvent, onReady);
    socket.on('error', fail);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
