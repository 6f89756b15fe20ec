/**
 * Client errors (ARCHITECTURE.md "Errors"). MQBrokerError carries the broker's response code and remark;
 * `retriable` comes from the protocol's single response-code table.
 */
import { RemotingError, isRetriableSendCode, responseCodeName } from '@rocketnest/protocol';

/** A client-side failure: bad argument, no route, not started, timeout across retries. */
export class MQClientError extends RemotingError {
  override name = 'MQClientError';
  override readonly code: string = 'ERR_MQ_CLIENT';
}

/** The broker (or NameServer) answered with an error code. */
export class MQBrokerError extends RemotingError {
  override name = 'MQBrokerError';
  override readonly code = 'ERR_MQ_BROKER';
  readonly brokerAddr: string;
  /** A producer would try another broker for this code (2.1.2). */
  readonly retriable: boolean;

  constructor(responseCode: number, remark: string | null, brokerAddr: string) {
    super(`${responseCodeName(responseCode) ?? 'CODE'} (${responseCode}) from ${brokerAddr}: ${remark ?? ''}`, {
      responseCode,
      remark,
    });
    this.brokerAddr = brokerAddr;
    this.retriable = isRetriableSendCode(responseCode);
  }
}

/** No route for a topic (not created, or NameServers unreachable). */
export class TopicRouteError extends MQClientError {
  override name = 'TopicRouteError';
  override readonly code = 'ERR_NO_ROUTE';
}
