/**
 * One small error hierarchy for every layer (ARCHITECTURE.md "Errors"). Each class sets `name` and a stable
 * `code` string; wire errors carry the RocketMQ response code and remark.
 */
export interface RemotingErrorOptions {
  readonly responseCode?: number;
  readonly remark?: string | null;
  readonly cause?: unknown;
}

export class RemotingError extends Error {
  override name = 'RemotingError';
  readonly code: string = 'ERR_REMOTING';
  /** RocketMQ response code from the wire, when the error came from a peer's response. */
  readonly responseCode: number | undefined;
  readonly remark: string | null;

  constructor(message: string, options: RemotingErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.responseCode = options.responseCode;
    this.remark = options.remark ?? null;
  }
}

/** A request got no response before its deadline. */
export class RemotingTimeoutError extends RemotingError {
  override name = 'RemotingTimeoutError';
  override readonly code = 'ERR_REMOTING_TIMEOUT';
}

/** The connection could not be opened, or closed while the request was in flight. */
export class RemotingConnectError extends RemotingError {
  override name = 'RemotingConnectError';
  override readonly code = 'ERR_REMOTING_CONNECT';
}

/** Writing to the socket failed (peer gone, socket destroyed). */
export class RemotingSendError extends RemotingError {
  override name = 'RemotingSendError';
  override readonly code = 'ERR_REMOTING_SEND';
}

/** Malformed input: bad frame, bad header, bad body. The connection that produced it is closed. */
export class ProtocolError extends RemotingError {
  override name = 'ProtocolError';
  override readonly code = 'ERR_PROTOCOL';
}
