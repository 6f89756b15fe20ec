/**
 * Client errors (ARCHITECTURE.md "Errors"). MQBrokerError carries the broker's response code and remark;
 * `retriable` comes from the protocol's single response-code table (remoting-protocol.md 2.1.2).
 */
import {
  RemotingErrorOptions,
  RemotingError,
  RemotingTimeoutError,
  ResponseCode,
  isRetriableSendCode,
  responseCodeName,
} from '@rocketnest/protocol';

export interface MQClientErrorOptions extends RemotingErrorOptions {
  /** Whether trying again (elsewhere or later) can succeed; false unless the failure is transient. */
  readonly retriable?: boolean;
}

/** A client-side failure: bad argument, no route, not started, retries used up. */
export class MQClientError extends RemotingError {
  override name = 'MQClientError';
  override readonly code: string = 'ERR_MQ_CLIENT';
  readonly retriable: boolean;

  constructor(message: string, options: MQClientErrorOptions = {}) {
    super(message, options);
    this.retriable = options.retriable ?? false;
  }
}

/** The broker (or NameServer) answered with an error code. */
export class MQBrokerError extends RemotingError {
  override name = 'MQBrokerError';
  override readonly code = 'ERR_MQ_BROKER';
  override readonly responseCode: number;
  readonly brokerAddr: string;
  /** A producer tries another broker for this code (2.1.2). */
  readonly retriable: boolean;

  constructor(responseCode: number, remark: string | null, brokerAddr: string) {
    super(`${responseCodeName(responseCode) ?? 'CODE'} (${responseCode}) from ${brokerAddr}: ${remark ?? ''}`, {
      responseCode,
      remark,
    });
    this.responseCode = responseCode;
    this.brokerAddr = brokerAddr;
    this.retriable = isRetriableSendCode(responseCode);
  }
}

/**
 * No route for a topic: the NameServers know neither it nor TBW102 (auto-creation off). Carries
 * TOPIC_NOT_EXIST, the code a broker gives for the same situation.
 */
export class TopicRouteError extends MQClientError {
  override name = 'TopicRouteError';
  override readonly code = 'ERR_NO_ROUTE';

  constructor(message: string, options: MQClientErrorOptions = {}) {
    super(message, { responseCode: ResponseCode.TOPIC_NOT_EXIST, ...options });
  }
}

/** A send used up its `sendTimeoutMs` budget (retries included) without a stored answer. */
export class SendTimeoutError extends RemotingTimeoutError {
  override name = 'SendTimeoutError';
  readonly retriable = true;
}
