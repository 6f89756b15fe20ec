import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import {
  FLAG_ONEWAY,
  FLAG_RESPONSE,
  FrameDecoder,
  isOneway,
  isResponse,
  Logger,
  RemotingCommand,
  RemotingConnectError,
  RemotingError,
  RemotingSendError,
  RemotingTimeoutError,
} from '@rocketnest/protocol';
import { formatSocketAddress } from '../address/socket-address.js';
import type { RequestDispatcher } from '../processor/request-dispatcher.js';
import { AttributeKey } from './attribute-key.js';
import type { ConnectionConfig } from './connection-options.js';
import { FrameWriter, WriteOwner } from './frame-writer.js';
import { onPendingCallTimeout, PendingCall, PendingCallHost } from './pending-call.js';

export interface RemotingConnectionEvents {
  /** The socket closed; `reason` is what closed it (null for an orderly close). */
  close: [reason: Error | null];
}

/** How long close() lets buffered frames flush before destroying the socket. */
const CLOSE_FLUSH_TIMEOUT_MS = 1000;
/** Opaques of recently timed-out calls, so their late responses log at debug rather than warn. */
const RECENT_TIMEOUTS_LIMIT = 1024;
const RESOLVED: Promise<void> = Promise.resolve();

let nextConnectionId = 0;

/** Resolves a send() that had to wait for write capacity. */
class SendOwner implements WriteOwner {
  constructor(
    private readonly resolve: () => void,
    private readonly reject: (error: Error) => void,
  ) {}

  onWritten(): void {
    this.resolve();
  }

  onWriteFailed(error: Error): void {
    this.reject(new RemotingSendError(`frame not sent: ${error.message}`, { cause: error }));
  }
}

/**
 * One TCP (or TLS) connection, the same on both sides: decodes inbound frames, matches responses to pending
 * calls by opaque, hands requests to the owner's processors, and writes through a coalescing, bounded writer.
 * A processor gets it as `ctx`: per-connection attributes, server-initiated `invoke`/`invokeOneway`, deferred
 * replies with `writeResponse`, and `closed`/'close' to drop per-client state.
 */
export class RemotingConnection extends EventEmitter<RemotingConnectionEvents> implements PendingCallHost {
  /** Process-unique id, handy as a map key for per-channel tables. */
  readonly id: number;
  /** Peer as "host:port" (IPv4-mapped addresses shown as IPv4). */
  readonly remoteAddress: string;
  readonly localAddress: string;
  /** Resolves (never rejects) with the close reason once the socket has closed. */
  readonly closed: Promise<Error | null>;

  private readonly attributes = new Map<AttributeKey<unknown>, unknown>();
  private readonly pending = new Map<number, PendingCall>();
  private readonly recentTimeouts = new Set<number>();
  private readonly decoder: FrameDecoder;
  private readonly writer: FrameWriter;
  private readonly logger: Logger;
  private resolveClosed: (reason: Error | null) => void = () => undefined;
  /** undefined while open; the reason (or null) once close/destroy started. */
  private closeReason: Error | null | undefined = undefined;
  private socketError: Error | null = null;
  private isSocketClosed = false;
  private pausedByOwner = false;
  private pausedByWriter = false;
  /**
   * Requests decoded while reads are paused (the rest of the chunk that crossed the mark). Bounded by one
   * chunk, since no more is read until they are released.
   */
  private held: RemotingCommand[] = [];
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly socket: Socket,
    private readonly config: ConnectionConfig,
    private readonly dispatcher: RequestDispatcher,
    private readonly defaultInvokeTimeoutMs: number,
  ) {
    super();
    this.id = ++nextConnectionId;
    this.remoteAddress = formatSocketAddress(socket.remoteAddress, socket.remotePort);
    this.localAddress = formatSocketAddress(socket.localAddress, socket.localPort);
    this.logger = config.logger;
    this.closed = new Promise<Error | null>((resolve) => {
      this.resolveClosed = resolve;
    });
    this.decoder = new FrameDecoder({ maxFrameBytes: config.maxFrameBytes });
    this.writer = new FrameWriter(socket, config.writeHighWaterMarkBytes, config.maxWriteQueueBytes, (blocked) =>
      this.onWriterBlocked(blocked),
    );
    socket.setNoDelay(true);
    if (config.idleTimeoutMs > 0) socket.setTimeout(config.idleTimeoutMs);
    socket.on('data', this.onData);
    socket.on('timeout', this.onIdle);
    socket.on('error', this.onSocketError);
    socket.on('close', this.onSocketClose);
  }

  get isClosed(): boolean {
    return this.closeReason !== undefined || this.isSocketClosed;
  }

  /** False while writes wait for the peer to read (back-pressure) or once closed. */
  get isWritable(): boolean {
    return !this.isClosed && !this.writer.isBlocked;
  }

  /** Outbound bytes not yet flushed to the kernel, including frames waiting for capacity. */
  get bufferedWriteBytes(): number {
    return this.writer.bufferedBytes;
  }

  /** Requests sent on this connection still awaiting their response. */
  get pendingCount(): number {
    return this.pending.size;
  }

  getAttribute<T>(key: AttributeKey<T>): T | undefined {
    return this.attributes.get(key) as T | undefined;
  }

  setAttribute<T>(key: AttributeKey<T>, value: T): void {
    this.attributes.set(key, value);
  }

  deleteAttribute<T>(key: AttributeKey<T>): boolean {
    return this.attributes.delete(key);
  }

  /**
   * Sends `request` and resolves with the peer's response. Rejects with RemotingTimeoutError after
   * `timeoutMs` (the late response is dropped), RemotingConnectError when the connection closes first,
   * RemotingSendError when the write queue is full.
   */
  invoke(request: RemotingCommand, timeoutMs: number = this.defaultInvokeTimeoutMs): Promise<RemotingCommand> {
    if (this.isClosed) {
      return Promise.reject(new RemotingConnectError(`connection to ${this.remoteAddress} is closed`));
    }
    if (!(timeoutMs > 0)) {
      return Promise.reject(new RemotingTimeoutError(`invoke code ${request.code}: no time left (${timeoutMs} ms)`));
    }
    if (this.pending.has(request.opaque)) {
      return Promise.reject(
        new RemotingSendError(`opaque ${request.opaque} is already in flight on ${this.remoteAddress}`),
      );
    }
    const call = new PendingCall(this, request.code, request.opaque, timeoutMs);
    const promise = new Promise<RemotingCommand>((resolve, reject) => {
      call.resolve = resolve;
      call.reject = reject;
    });
    try {
      call.waiting = this.writer.write(request, call);
    } catch (error) {
      call.settle(null, asError(error));
      return promise;
    }
    this.pending.set(request.opaque, call);
    call.timer = setTimeout(onPendingCallTimeout, timeoutMs, call);
    return promise;
  }

  /** Marks `request` oneway and sends it; resolves once it is handed to the socket. */
  invokeOneway(request: RemotingCommand): Promise<void> {
    request.flag |= FLAG_ONEWAY;
    return this.send(request);
  }

  /**
   * Sends any command as is. Resolves once it is handed to the socket (at once unless the peer is not reading);
   * rejects with RemotingSendError when closed or when the write queue is full.
   */
  send(command: RemotingCommand): Promise<void> {
    if (this.isClosed) {
      return Promise.reject(new RemotingSendError(`connection to ${this.remoteAddress} is closed`));
    }
    try {
      if (!this.writer.isBlocked) {
        this.writer.write(command, null);
        return RESOLVED;
      }
      return new Promise<void>((resolve, reject) => {
        this.writer.write(command, new SendOwner(resolve, reject));
      });
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  /**
   * Writes the response to `request` (same opaque, RESPONSE flag set). This is how a processor that returned
   * null replies later. Returns false, writing nothing, when the request was oneway, the connection is gone or
   * the write queue is full (the requester then times out).
   */
  writeResponse(request: RemotingCommand, response: RemotingCommand): boolean {
    if (isOneway(request)) {
      this.logger.debug('no response to a oneway request', { code: request.code, opaque: request.opaque });
      return false;
    }
    if (this.isClosed) {
      this.logger.debug('connection closed before the response', {
        code: request.code,
        opaque: request.opaque,
        remoteAddress: this.remoteAddress,
      });
      return false;
    }
    response.opaque = request.opaque;
    response.flag |= FLAG_RESPONSE;
    try {
      this.writer.write(response, null);
      return true;
    } catch (error) {
      this.logger.warn('response dropped', {
        code: request.code,
        opaque: request.opaque,
        remoteAddress: this.remoteAddress,
        error,
      });
      return false;
    }
  }

  /** Stops reading from the peer (a closing server lets in-flight work finish without taking new requests). */
  pauseReading(): void {
    this.pausedByOwner = true;
    this.socket.pause();
  }

  /** Flushes what is already queued, then closes; frames still waiting for capacity are dropped. */
  close(reason: Error | null = null): void {
    if (this.closeReason !== undefined || this.isSocketClosed) return;
    this.closeReason = reason;
    this.writer.close(reason ?? new RemotingConnectError(`connection to ${this.remoteAddress} closed`));
    this.socket.pause();
    this.socket.destroySoon();
    this.flushTimer = setTimeout(() => this.socket.destroy(), CLOSE_FLUSH_TIMEOUT_MS);
    this.flushTimer.unref();
  }

  /** Closes at once, dropping unsent frames. */
  destroy(reason: Error | null = null): void {
    if (this.isSocketClosed) return;
    if (this.closeReason === undefined) this.closeReason = reason;
    this.writer.close(reason ?? new RemotingConnectError(`connection to ${this.remoteAddress} closed`));
    this.socket.destroy();
  }

  /** @internal PendingCallHost */
  onCallTimeout(call: PendingCall): void {
    if (this.pending.get(call.opaque) === call) this.pending.delete(call.opaque);
    const waiting = call.waiting;
    if (waiting !== null) {
      this.writer.cancel(waiting);
      call.waiting = null;
    }
    if (this.recentTimeouts.size >= RECENT_TIMEOUTS_LIMIT) this.recentTimeouts.clear();
    this.recentTimeouts.add(call.opaque);
    const stage = waiting !== null ? 'waiting for write capacity' : 'waiting for the response';
    call.settle(
      null,
      new RemotingTimeoutError(
        `invoke code ${call.code} opaque ${call.opaque} to ${this.remoteAddress} timed out after ${call.timeoutMs} ms ${stage}`,
      ),
    );
  }

  /** @internal PendingCallHost */
  onCallWriteFailed(call: PendingCall, error: Error): void {
    if (this.pending.get(call.opaque) === call) this.pending.delete(call.opaque);
    call.settle(
      null,
      new RemotingConnectError(`request to ${this.remoteAddress} not sent: ${error.message}`, { cause: error }),
    );
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.closeReason !== undefined) return;
    try {
      this.decoder.push(chunk, this.onCommand);
    } catch (error) {
      const reason = asError(error);
      this.logger.warn('closing connection after bad input', {
        remoteAddress: this.remoteAddress,
        reason: reason.message,
      });
      // Answers already queued for the good frames before it still go out.
      this.close(reason);
    }
  };

  private readonly onCommand = (command: RemotingCommand): void => {
    if (this.closeReason !== undefined) return;
    try {
      if (isResponse(command)) this.onResponse(command);
      else if (this.pausedByOwner || this.pausedByWriter || this.held.length > 0) this.held.push(command);
      else this.dispatcher.dispatch(command, this);
    } catch (error) {
      // Processors' errors are answered by the dispatcher; this is a bug of ours, kept off the socket.
      this.logger.error('inbound command handling failed', {
        code: command.code,
        opaque: command.opaque,
        remoteAddress: this.remoteAddress,
        error,
      });
    }
  };

  private onResponse(response: RemotingCommand): void {
    const call = this.pending.get(response.opaque);
    if (call === undefined) {
      const fields = { code: response.code, opaque: response.opaque, remoteAddress: this.remoteAddress };
      if (this.recentTimeouts.delete(response.opaque)) this.logger.debug('late response dropped', fields);
      else this.logger.warn('response matches no pending request, dropped', fields);
      return;
    }
    this.pending.delete(response.opaque);
    call.settle(response, null);
  }

  private onWriterBlocked(blocked: boolean): void {
    if (!this.config.pauseReadsWhileBlocked) return;
    this.pausedByWriter = blocked;
    if (blocked) {
      this.socket.pause();
      return;
    }
    if (this.pausedByOwner) return;
    this.releaseHeld();
    if (!this.pausedByWriter && !this.isClosed) this.socket.resume();
  }

  /** Dispatches held requests in order until they run out or a response blocks the writer again. */
  private releaseHeld(): void {
    const held = this.held;
    let released = 0;
    while (released < held.length && !this.pausedByWriter && !this.isClosed) {
      const request = held[released++];
      try {
        this.dispatcher.dispatch(request, this);
      } catch (error) {
        this.logger.error('inbound command handling failed', {
          code: request.code,
          opaque: request.opaque,
          remoteAddress: this.remoteAddress,
          error,
        });
      }
    }
    held.splice(0, released);
  }

  private readonly onIdle = (): void => {
    this.logger.info('closing idle connection', {
      remoteAddress: this.remoteAddress,
      idleTimeoutMs: this.config.idleTimeoutMs,
    });
    this.destroy(new RemotingConnectError(`connection idle for ${this.config.idleTimeoutMs} ms`));
  };

  private readonly onSocketError = (error: Error): void => {
    // 'close' follows and does the cleanup; keep the first cause.
    if (this.socketError === null) this.socketError = error;
    this.logger.debug('socket error', { remoteAddress: this.remoteAddress, error });
  };

  private readonly onSocketClose = (): void => {
    if (this.isSocketClosed) return;
    this.isSocketClosed = true;
    if (this.flushTimer !== null) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    const reason = this.closeReason ?? this.socketError ?? null;
    if (this.closeReason === undefined) this.closeReason = reason;
    const error = new RemotingConnectError(
      `connection to ${this.remoteAddress} closed${reason === null ? '' : `: ${reason.message}`}`,
      { cause: reason ?? undefined },
    );
    this.writer.close(error);
    if (this.pending.size > 0) {
      const calls = [...this.pending.values()];
      this.pending.clear();
      for (const call of calls) call.settle(null, error);
    }
    this.socket.off('data', this.onData);
    this.held = [];
    this.resolveClosed(reason);
    try {
      this.emit('close', reason);
    } catch (listenerError) {
      this.logger.error('connection close listener failed', {
        remoteAddress: this.remoteAddress,
        error: listenerError,
      });
    }
  };
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new RemotingError(String(value));
}
