import { createResponse, isOneway, Logger, RemotingCommand, RemotingError, ResponseCode } from '@rocketnest/protocol';
import type { RemotingConnection } from '../connection/remoting-connection.js';
import { REJECT_REQUEST_REMARK, requestCodeNotSupportedRemark } from './framework-remarks.js';
import { ProcessorResult, ProcessRequestFn, RemotingProcessor, toProcessor } from './remoting-processor.js';

/**
 * The processor table of one server or client, and the framework responses of remoting-protocol.md 1.7:
 * unknown code, rejected (flow control), processor failure. Oneway requests never get a response from here.
 */
export class RequestDispatcher {
  private readonly processors = new Map<number, RemotingProcessor>();
  private defaultProcessor: RemotingProcessor | null = null;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly logger: Logger) {}

  register(code: number, processor: RemotingProcessor | ProcessRequestFn): void {
    if (!Number.isInteger(code)) throw new RemotingError(`request code must be an integer, got ${String(code)}`);
    this.processors.set(code, toProcessor(processor));
  }

  registerDefault(processor: RemotingProcessor | ProcessRequestFn): void {
    this.defaultProcessor = toProcessor(processor);
  }

  /** Processors whose promise has not settled yet. */
  get inFlightCount(): number {
    return this.inFlight;
  }

  /** Resolves true once no processor is in flight, or false when `timeoutMs` passes first. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    if (timeoutMs <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((waiter) => waiter !== onIdle);
        resolve(false);
      }, timeoutMs);
      const onIdle = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(onIdle);
    });
  }

  /** Runs the processor for `request`; never throws. */
  dispatch(request: RemotingCommand, connection: RemotingConnection): void {
    const processor = this.processors.get(request.code) ?? this.defaultProcessor;
    if (processor === null) {
      this.logger.warn('request code not supported', {
        code: request.code,
        opaque: request.opaque,
        remoteAddress: connection.remoteAddress,
      });
      this.answer(
        request,
        connection,
        ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
        requestCodeNotSupportedRemark(request.code),
      );
      return;
    }
    let result: ProcessorResult;
    try {
      if (processor.rejectRequest?.() === true) {
        this.answer(request, connection, ResponseCode.SYSTEM_BUSY, REJECT_REQUEST_REMARK);
        return;
      }
      result = processor.processRequest(request, connection);
    } catch (error) {
      this.onProcessorError(request, connection, error);
      return;
    }
    if (result === null) return;
    if (isPromiseLike(result)) {
      this.inFlight++;
      void this.settle(request, connection, result);
      return;
    }
    connection.writeResponse(request, result);
  }

  private async settle(
    request: RemotingCommand,
    connection: RemotingConnection,
    pending: PromiseLike<RemotingCommand | null>,
  ): Promise<void> {
    try {
      const response = await pending;
      if (response !== null) connection.writeResponse(request, response);
    } catch (error) {
      this.onProcessorError(request, connection, error);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0 && this.idleWaiters.length > 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const waiter of waiters) waiter();
      }
    }
  }

  private onProcessorError(request: RemotingCommand, connection: RemotingConnection, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn('request processor failed', {
      code: request.code,
      opaque: request.opaque,
      remoteAddress: connection.remoteAddress,
      error,
    });
    this.answer(request, connection, ResponseCode.SYSTEM_ERROR, message);
  }

  private answer(request: RemotingCommand, connection: RemotingConnection, code: number, remark: string): void {
    if (isOneway(request)) return;
    connection.writeResponse(request, createResponse(request, code, { remark }));
  }
}

function isPromiseLike(value: ProcessorResult): value is Promise<RemotingCommand | null> {
  return typeof (value as { then?: unknown }).then === 'function';
}
