import { EventEmitter } from 'node:events';
import { createServer as createNetServer, Server as NetServer, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { childLogger, Logger, RemotingError } from '@rocketnest/protocol';
import type { SocketAddress } from '../address/socket-address.js';
import type { ConnectionConfig } from '../connection/connection-options.js';
import { RemotingConnection } from '../connection/remoting-connection.js';
import type { ProcessRequestFn, RemotingProcessor } from '../processor/remoting-processor.js';
import { RequestDispatcher } from '../processor/request-dispatcher.js';
import {
  ResolvedRemotingServerOptions,
  RemotingServerOptions,
  resolveRemotingServerOptions,
} from './remoting-server-options.js';

export interface RemotingServerEvents {
  /** A client connected (after the TLS handshake with TLS); fired before its first request is read. */
  connect: [connection: RemotingConnection];
  /** A client's connection closed: drop it from producer/consumer tables. */
  disconnect: [connection: RemotingConnection, reason: Error | null];
}

type ServerState = 'new' | 'listening' | 'closing' | 'closed';

/**
 * The accepting side (NameServer, Broker): one RemotingConnection per client, requests dispatched to the
 * processor registered for their code. Malformed input closes only the connection that sent it.
 */
export class RemotingServer extends EventEmitter<RemotingServerEvents> {
  readonly options: ResolvedRemotingServerOptions;
  private readonly logger: Logger;
  private readonly dispatcher: RequestDispatcher;
  private readonly connectionConfig: ConnectionConfig;
  private readonly live = new Set<RemotingConnection>();
  private server: NetServer | null = null;
  private state: ServerState = 'new';
  private bound: SocketAddress | null = null;
  private closing: Promise<void> | null = null;

  constructor(options: RemotingServerOptions = {}) {
    super();
    this.options = resolveRemotingServerOptions(options);
    this.logger = childLogger(this.options.logger, 'RemotingServer');
    this.dispatcher = new RequestDispatcher(this.logger);
    this.connectionConfig = {
      maxFrameBytes: this.options.maxFrameBytes,
      idleTimeoutMs: this.options.idleTimeoutMs,
      writeHighWaterMarkBytes: this.options.writeHighWaterMarkBytes,
      maxWriteQueueBytes: this.options.maxWriteQueueBytes,
      logger: this.logger,
      // A client that does not read its responses stops having its requests read.
      pauseReadsWhileBlocked: true,
    };
  }

  registerProcessor(code: number, processor: RemotingProcessor | ProcessRequestFn): void {
    this.dispatcher.register(code, processor);
  }

  /** Handles every code without its own processor (instead of REQUEST_CODE_NOT_SUPPORTED). */
  registerDefaultProcessor(processor: RemotingProcessor | ProcessRequestFn): void {
    this.dispatcher.registerDefault(processor);
  }

  /** Open client connections. */
  get connections(): ReadonlySet<RemotingConnection> {
    return this.live;
  }

  /** Where the server listens, once listen() resolved. */
  get address(): SocketAddress | null {
    return this.bound;
  }

  /** Processors whose promise has not settled yet. */
  get inFlightCount(): number {
    return this.dispatcher.inFlightCount;
  }

  listen(): Promise<SocketAddress> {
    if (this.state !== 'new') {
      return Promise.reject(new RemotingError(`RemotingServer: listen() called while ${this.state}`));
    }
    this.state = 'listening';
    const tlsOptions = this.options.tls;
    const server =
      tlsOptions === null
        ? createNetServer({ noDelay: true }, this.onSocket)
        : createTlsServer(tlsOptions, this.onSocket).on('tlsClientError', this.onTlsClientError);
    this.server = server;
    return new Promise<SocketAddress>((resolve, reject) => {
      const onListenError = (error: Error): void => {
        this.state = 'closed';
        reject(
          new RemotingError(`cannot listen on ${this.options.host}:${this.options.port}: ${error.message}`, {
            cause: error,
          }),
        );
      };
      server.once('error', onListenError);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', onListenError);
        server.on('error', this.onServerError);
        const address = server.address();
        const port = typeof address === 'object' && address !== null ? address.port : this.options.port;
        this.bound = { host: this.options.host, port };
        this.logger.info('listening', { host: this.options.host, port, tls: tlsOptions !== null });
        resolve(this.bound);
      });
    });
  }

  /**
   * Stops accepting, stops reading new requests, waits up to `closeGraceMs` for running processors, flushes
   * what they answered, then closes every connection. Idempotent.
   */
  close(): Promise<void> {
    if (this.closing === null) this.closing = this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    const server = this.server;
    this.state = 'closing';
    const serverClosed =
      server === null || !server.listening
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            server.close((error) => {
              if (error !== undefined) this.logger.debug('server close', { error });
              resolve();
            });
          });
    for (const connection of this.live) connection.pauseReading();
    const idle = await this.dispatcher.whenIdle(this.options.closeGraceMs);
    if (!idle) {
      this.logger.warn('closing with processors still running', { inFlight: this.dispatcher.inFlightCount });
    }
    const closed: Array<Promise<Error | null>> = [];
    for (const connection of this.live) {
      connection.close();
      closed.push(connection.closed);
    }
    await Promise.all(closed);
    await serverClosed;
    this.state = 'closed';
    this.logger.info('closed', { port: this.bound?.port });
  }

  private readonly onSocket = (socket: Socket): void => {
    if (this.state !== 'listening') {
      socket.destroy();
      return;
    }
    const connection = new RemotingConnection(
      socket,
      this.connectionConfig,
      this.dispatcher,
      this.options.invokeTimeoutMs,
    );
    this.live.add(connection);
    connection.once('close', (reason) => {
      this.live.delete(connection);
      this.logger.debug('client disconnected', { remoteAddress: connection.remoteAddress, reason: reason?.message });
      this.emitSafely('disconnect', connection, reason);
    });
    this.logger.debug('client connected', { remoteAddress: connection.remoteAddress, id: connection.id });
    this.emitSafely('connect', connection);
  };

  private emitSafely<K extends keyof RemotingServerEvents>(event: K, ...args: RemotingServerEvents[K]): void {
    try {
      this.emit(event, ...(args as never));
    } catch (error) {
      this.logger.error(`'${event}' listener failed`, { error });
    }
  }

  private readonly onTlsClientError = (error: Error, socket: Socket): void => {
    this.logger.warn('TLS handshake failed', { remoteAddress: socket.remoteAddress, reason: error.message });
  };

  private readonly onServerError = (error: Error): void => {
    this.logger.error('server socket error', { error });
  };
}
