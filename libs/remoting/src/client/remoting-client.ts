import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { childLogger, Logger, RemotingCommand, RemotingConnectError, RemotingTimeoutError } from '@rocketnest/protocol';
import type { ConnectionConfig } from '../connection/connection-options.js';
import { RemotingConnection } from '../connection/remoting-connection.js';
import type { ProcessRequestFn, RemotingProcessor } from '../processor/remoting-processor.js';
import { RequestDispatcher } from '../processor/request-dispatcher.js';
import {
  RemotingClientOptions,
  ResolvedRemotingClientOptions,
  resolveRemotingClientOptions,
} from './remoting-client-options.js';
import { openSocket } from './socket-connector.js';

export interface RemotingClientEvents {
  connect: [addr: string, connection: RemotingConnection];
  disconnect: [addr: string, connection: RemotingConnection, reason: Error | null];
}

/** Connection state of one address. */
class AddressSlot {
  connection: RemotingConnection | null = null;
  /** The one connect attempt in progress, shared by every caller. */
  connecting: Promise<RemotingConnection> | null = null;
  /** Aborts `connecting` (shutdown, closeConnection). */
  abort: AbortController | null = null;
  failures = 0;
  retryAt = 0;
  lastError: Error | null = null;

  constructor(readonly addr: string) {}
}

/**
 * The connecting side (producers, consumers, admin, brokers registering with NameServers): one lazily opened
 * connection per "host:port", requests correlated by opaque, server-initiated requests dispatched to the
 * processors registered here. After a failed connect, calls to that address fail fast until the back-off passes;
 * a connection the server closed is reopened by the next call.
 */
export class RemotingClient extends EventEmitter<RemotingClientEvents> {
  readonly options: ResolvedRemotingClientOptions;
  private readonly logger: Logger;
  private readonly dispatcher: RequestDispatcher;
  private readonly connectionConfig: ConnectionConfig;
  private readonly slots = new Map<string, AddressSlot>();
  private shutDown = false;

  constructor(options: RemotingClientOptions = {}) {
    super();
    this.options = resolveRemotingClientOptions(options);
    this.logger = childLogger(this.options.logger, 'RemotingClient');
    this.dispatcher = new RequestDispatcher(this.logger);
    if (this.options.defaultProcessor !== null) this.dispatcher.registerDefault(this.options.defaultProcessor);
    this.connectionConfig = {
      maxFrameBytes: this.options.maxFrameBytes,
      idleTimeoutMs: this.options.idleTimeoutMs,
      writeHighWaterMarkBytes: this.options.writeHighWaterMarkBytes,
      maxWriteQueueBytes: this.options.maxWriteQueueBytes,
      logger: this.logger,
      // Responses free our pending calls, and a server may block on us reading: always keep reading.
      pauseReadsWhileBlocked: false,
    };
  }

  /** Processor for requests the server sends (CHECK_TRANSACTION_STATE, NOTIFY_CONSUMER_IDS_CHANGED...). */
  registerProcessor(code: number, processor: RemotingProcessor | ProcessRequestFn): void {
    this.dispatcher.register(code, processor);
  }

  /**
   * Sends `request` to `addr` and resolves with the response. `timeoutMs` covers connecting too. Rejects with
   * RemotingTimeoutError, RemotingConnectError (cannot connect, or the connection closed while waiting) or
   * RemotingSendError (write queue full).
   */
  invoke(
    addr: string,
    request: RemotingCommand,
    timeoutMs: number = this.options.invokeTimeoutMs,
  ): Promise<RemotingCommand> {
    const connection = this.findConnection(addr);
    if (connection !== null) return connection.invoke(request, timeoutMs);
    return this.invokeAfterConnect(addr, request, timeoutMs);
  }

  /** Sends `request` marked oneway; resolves once handed to the socket. */
  invokeOneway(
    addr: string,
    request: RemotingCommand,
    timeoutMs: number = this.options.invokeTimeoutMs,
  ): Promise<void> {
    const connection = this.findConnection(addr);
    if (connection !== null) return connection.invokeOneway(request);
    return this.onewayAfterConnect(addr, request, timeoutMs);
  }

  /** The open connection to `addr`, or null (does not connect). */
  findConnection(addr: string): RemotingConnection | null {
    const connection = this.slots.get(addr)?.connection ?? null;
    return connection === null || connection.isClosed ? null : connection;
  }

  /** The connection to `addr`, opening it (or joining the attempt in progress) when needed. */
  getConnection(addr: string): Promise<RemotingConnection> {
    if (this.shutDown) return Promise.reject(new RemotingConnectError('RemotingClient is shut down'));
    let slot = this.slots.get(addr);
    if (slot === undefined) {
      slot = new AddressSlot(addr);
      this.slots.set(addr, slot);
    }
    if (slot.connection !== null && !slot.connection.isClosed) return Promise.resolve(slot.connection);
    if (slot.connecting !== null) return slot.connecting;
    const waitMs = slot.retryAt - Date.now();
    if (waitMs > 0) {
      const cause = slot.lastError;
      return Promise.reject(
        new RemotingConnectError(
          `not reconnecting to ${addr} for another ${waitMs} ms${cause === null ? '' : ` after: ${cause.message}`}`,
          { cause: cause ?? undefined },
        ),
      );
    }
    slot.connecting = this.connect(slot);
    return slot.connecting;
  }

  /** Closes the connection to `addr` (its pending calls fail); the next call reconnects. */
  async closeConnection(addr: string): Promise<void> {
    const slot = this.slots.get(addr);
    if (slot === undefined) return;
    this.slots.delete(addr);
    slot.abort?.abort();
    const connection = slot.connection;
    if (connection === null) return;
    connection.close();
    await connection.closed;
  }

  /** Closes every connection and fails pending and later calls. Idempotent. */
  async shutdown(): Promise<void> {
    this.shutDown = true;
    const slots = [...this.slots.values()];
    this.slots.clear();
    const closed: Array<Promise<unknown>> = [];
    for (const slot of slots) {
      if (slot.connecting !== null) {
        slot.abort?.abort();
        closed.push(slot.connecting.then(waitClosed, ignoreConnectFailure));
      }
      const connection = slot.connection;
      if (connection !== null) {
        connection.close();
        closed.push(connection.closed);
      }
    }
    await Promise.all(closed);
  }

  private async invokeAfterConnect(
    addr: string,
    request: RemotingCommand,
    timeoutMs: number,
  ): Promise<RemotingCommand> {
    const started = performance.now();
    const connection = await this.connectWithin(addr, timeoutMs);
    return connection.invoke(request, timeoutMs - (performance.now() - started));
  }

  private async onewayAfterConnect(addr: string, request: RemotingCommand, timeoutMs: number): Promise<void> {
    const connection = await this.connectWithin(addr, timeoutMs);
    return connection.invokeOneway(request);
  }

  /** getConnection bounded by the caller's own deadline (the shared attempt may outlive it). */
  private connectWithin(addr: string, timeoutMs: number): Promise<RemotingConnection> {
    const connecting = this.getConnection(addr);
    if (timeoutMs >= this.options.connectTimeoutMs) return connecting;
    return new Promise<RemotingConnection>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new RemotingTimeoutError(`connecting to ${addr} took longer than the ${timeoutMs} ms timeout`)),
        timeoutMs,
      );
      connecting.then(
        (connection) => {
          clearTimeout(timer);
          resolve(connection);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  private async connect(slot: AddressSlot): Promise<RemotingConnection> {
    const { addr } = slot;
    const abort = new AbortController();
    slot.abort = abort;
    try {
      const connection = await openSocket(
        addr,
        this.options.connectTimeoutMs,
        this.options.tls,
        (socket: Socket) =>
          new RemotingConnection(socket, this.connectionConfig, this.dispatcher, this.options.invokeTimeoutMs),
        abort.signal,
      );
      slot.failures = 0;
      slot.retryAt = 0;
      slot.lastError = null;
      if (this.shutDown || this.slots.get(addr) !== slot) {
        connection.destroy();
        throw new RemotingConnectError(`connection to ${addr} was closed while connecting`);
      }
      slot.connection = connection;
      connection.once('close', (reason) => this.onConnectionClose(slot, connection, reason));
      this.logger.debug('connected', { addr, localAddress: connection.localAddress });
      this.emitSafely('connect', addr, connection);
      return connection;
    } catch (error) {
      if (!this.shutDown) {
        slot.failures++;
        const backoffMs = Math.min(
          this.options.reconnectBackoffMaxMs,
          this.options.reconnectBackoffInitialMs * 2 ** Math.min(slot.failures - 1, 30),
        );
        slot.retryAt = Date.now() + backoffMs;
        slot.lastError = error instanceof Error ? error : new RemotingConnectError(String(error));
        this.logger.warn('connect failed', {
          addr,
          failures: slot.failures,
          backoffMs,
          reason: slot.lastError.message,
        });
      }
      throw error;
    } finally {
      slot.connecting = null;
      slot.abort = null;
    }
  }

  private onConnectionClose(slot: AddressSlot, connection: RemotingConnection, reason: Error | null): void {
    if (slot.connection === connection) slot.connection = null;
    this.logger.debug('disconnected', { addr: slot.addr, reason: reason?.message });
    this.emitSafely('disconnect', slot.addr, connection, reason);
  }

  private emitSafely<K extends keyof RemotingClientEvents>(event: K, ...args: RemotingClientEvents[K]): void {
    try {
      this.emit(event, ...(args as never));
    } catch (error) {
      this.logger.error(`'${event}' listener failed`, { error });
    }
  }
}

function waitClosed(connection: RemotingConnection): Promise<Error | null> {
  return connection.closed;
}

function ignoreConnectFailure(error: unknown): unknown {
  // The attempt's callers already got this error; shutdown only waits for the attempt to end.
  return error;
}
